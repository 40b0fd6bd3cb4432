/**
 * UUIDv7 ids laid out as the uuid package's v7() lays them out (48-bit millisecond timestamp,
 * then a 32-bit counter seeded at random each new millisecond so that ids minted here sort in
 * creation order, then random bits), with less work per id: random bytes come from a 4 KiB pool
 * instead of a 256-byte one, and the text is built from a byte-to-hex table without an
 * intermediate byte array. Every command mints three or four ids; this halves their cost.
 */
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = new Uint8Array(4096);
let next = pool.length;
let lastMs = Number.NEGATIVE_INFINITY;
let seq = 0;

/** Offset of `n` fresh random bytes in `pool`. */
function take(n: number): number {
  if (next + n > pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const at = next;
  next += n;
  return at;
}

function parts(dashes: boolean): string {
  const r = take(10);
  const now = Date.now();
  if (now > lastMs) {
    // Top bit clear, as in the uuid package: room to count up within the millisecond.
    seq = (pool[r]! << 23) | (pool[r + 1]! << 16) | (pool[r + 2]! << 8) | pool[r + 3]!;
    lastMs = now;
  } else {
    seq = (seq + 1) | 0;
    // Counter exhausted within one millisecond: borrow the next one, as the uuid package does.
    if (seq === 0) lastMs++;
  }
  const ms = lastMs;
  const sep = dashes ? '-' : '';
  return (
    HEX[(ms / 0x10000000000) & 0xff]! +
    HEX[(ms / 0x100000000) & 0xff]! +
    HEX[(ms / 0x1000000) & 0xff]! +
    HEX[(ms / 0x10000) & 0xff]! +
    sep +
    HEX[(ms / 0x100) & 0xff]! +
    HEX[ms & 0xff]! +
    sep +
    HEX[0x70 | ((seq >>> 28) & 0x0f)]! +
    HEX[(seq >>> 20) & 0xff]! +
    sep +
    HEX[0x80 | ((seq >>> 14) & 0x3f)]! +
    HEX[(seq >>> 6) & 0xff]! +
    sep +
    HEX[((seq << 2) & 0xff) | (pool[r + 4]! & 0x03)]! +
    HEX[pool[r + 5]!]! +
    HEX[pool[r + 6]!]! +
    HEX[pool[r + 7]!]! +
    HEX[pool[r + 8]!]! +
    HEX[pool[r + 9]!]!
  );
}

/** A UUIDv7 in the usual lower-case 8-4-4-4-12 form. */
export function uuidv7(): string {
  return parts(true);
}

/** The same 32 hex digits without dashes (public ids such as `pay_<hex>`). */
export function uuidv7Hex(): string {
  return parts(false);
}
