/**
 * A small benchmark harness: run an async operation with a fixed concurrency for a fixed count
 * or duration, several times, and report the median throughput and latency percentiles.
 * Figures from one machine move from run to run; compare ratios measured in the same run.
 */

export interface LoadOptions {
  concurrency: number;
  /** Stop after this many operations (across workers)... */
  count?: number;
  /** ...or after this long; default 2000 ms when count is absent. */
  durationMs?: number;
  /** Measured runs; default 3. */
  runs?: number;
  /** Unmeasured operations before each run (JIT, caches); default 0. */
  warmup?: number;
}

export interface RunResult {
  ops: number;
  seconds: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export interface Summary {
  runs: RunResult[];
  /** Medians over the runs. */
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** `op(i, worker)`: i is a global sequence number, worker in [0, concurrency). */
export type Operation = (i: number, worker: number) => Promise<unknown>;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One run: `concurrency` workers each loop over `op` until the count or deadline is reached. */
export async function runOnce(op: Operation, o: LoadOptions, seq = { next: 0 }): Promise<RunResult> {
  const limit = o.count ?? Number.POSITIVE_INFINITY;
  const durationNs = BigInt(
    Math.round((o.count === undefined ? (o.durationMs ?? 2000) : Number.MAX_SAFE_INTEGER) * 1e6),
  );
  const latencies: number[] = [];
  let started = 0;
  const t0 = process.hrtime.bigint();
  const deadline = t0 + durationNs;
  const worker = async (w: number) => {
    while (started < limit && process.hrtime.bigint() < deadline) {
      started++;
      const s = process.hrtime.bigint();
      await op(seq.next++, w);
      latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const sorted = Float64Array.from(latencies).sort();
  return {
    ops: latencies.length,
    seconds,
    opsPerSec: latencies.length / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}

/** Several runs (after an optional warm-up), summarised by their medians. */
export async function measure(op: Operation, o: LoadOptions): Promise<Summary> {
  const seq = { next: 0 };
  if (o.warmup) await runOnce(op, { concurrency: o.concurrency, count: o.warmup }, seq);
  const runs: RunResult[] = [];
  for (let r = 0; r < (o.runs ?? 3); r++) runs.push(await runOnce(op, o, seq));
  return {
    runs,
    opsPerSec: median(runs.map((r) => r.opsPerSec)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
  };
}

/**
 * Like measure() for several operations, but run r of every operation happens before run r+1 of
 * any: a slow patch of a shared machine then hits all of them alike, so their ratio holds.
 */
export async function measureInterleaved<K extends string>(
  ops: Record<K, Operation>,
  o: LoadOptions,
): Promise<Record<K, Summary>> {
  const keys = Object.keys(ops) as K[];
  const seqs = new Map(keys.map((k) => [k, { next: 0 }]));
  const runs = new Map<K, RunResult[]>(keys.map((k) => [k, []]));
  for (const k of keys) {
    if (o.warmup) await runOnce(ops[k], { concurrency: o.concurrency, count: o.warmup }, seqs.get(k));
  }
  for (let r = 0; r < (o.runs ?? 3); r++) {
    for (const k of keys) runs.get(k)!.push(await runOnce(ops[k], o, seqs.get(k)));
  }
  const out = {} as Record<K, Summary>;
  for (const k of keys) {
    const rs = runs.get(k)!;
    out[k] = {
      runs: rs,
      opsPerSec: median(rs.map((x) => x.opsPerSec)),
      p50Ms: median(rs.map((x) => x.p50Ms)),
      p99Ms: median(rs.map((x) => x.p99Ms)),
    };
  }
  return out;
}

/** One line of a benchmark table; `baseline` is the reference measured in the same run. */
export interface Row {
  name: string;
  concurrency: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  baseline?: { name: string; opsPerSec: number };
}

export function toRow(name: string, concurrency: number, s: Summary, baseline?: Row['baseline']): Row {
  return {
    name,
    concurrency,
    opsPerSec: s.opsPerSec,
    p50Ms: s.p50Ms,
    p99Ms: s.p99Ms,
    ...(baseline ? { baseline } : {}),
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Prints rows as an aligned table: median ops/s, p50/p99 ms and the ratio to the baseline. */
export function printTable(title: string, rows: Row[]): void {
  const header = ['scenario', 'conc', 'ops/s (median)', 'p50 ms', 'p99 ms', 'baseline ops/s', 'ratio'];
  const lines = rows.map((r) => [
    r.name,
    String(r.concurrency),
    fmt(r.opsPerSec),
    fmt(r.p50Ms, 2),
    fmt(r.p99Ms, 2),
    r.baseline ? `${fmt(r.baseline.opsPerSec)} (${r.baseline.name})` : '',
    r.baseline ? `${fmt(r.opsPerSec / r.baseline.opsPerSec, 1)}x` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(line(l));
}
