/**
 * mulberry32: a tiny seeded PRNG. Hand-written because fault injection must be reproducible
 * from a seed (Math.random cannot be seeded) and 32 bits of state are plenty for test faults.
 */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
