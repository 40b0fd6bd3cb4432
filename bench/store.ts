/**
 * `npm run bench:store [-- --runs 3 --duration 2000 --concurrency 1,16,64 --only sqlite|postgres
 *   --synchronous full|normal|off]` (synchronous: SQLite only; FULL is the durable default)
 * The SQLite part runs unless --only postgres; the PostgreSQL part runs when bench/store-postgres.ts exists and
 * exports benchPostgresStore (imported dynamically, so this script works without it).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { printTable, type Row } from './lib/harness.js';
import { benchSqliteStore } from './store-sqlite.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '1,16,64' },
    only: { type: 'string' },
    synchronous: { type: 'string', default: 'full' },
  },
});
const opts = {
  runs: Number(values.runs),
  durationMs: Number(values.duration),
  concurrencies: values.concurrency.split(',').map(Number),
};
const synchronous = values.synchronous as 'full' | 'normal' | 'off';

/** The PostgreSQL rows, whichever of the two row shapes the module returns. */
interface ForeignRow {
  name?: string;
  store?: string;
  scenario?: string;
  concurrency: number;
  opsPerSec: number;
  p50Ms?: number;
  p99Ms?: number;
  ceilingOpsPerSec?: number;
  baseline?: Row['baseline'];
}

function toRow(r: ForeignRow): Row {
  const ceiling = r.ceilingOpsPerSec;
  return {
    name: r.name ?? `${r.store ?? 'postgres'} ${r.scenario ?? ''}`.trim(),
    concurrency: r.concurrency,
    opsPerSec: r.opsPerSec,
    p50Ms: r.p50Ms ?? Number.NaN,
    p99Ms: r.p99Ms ?? Number.NaN,
    baseline: r.baseline ?? (ceiling ? { name: '1 insert/tx', opsPerSec: ceiling } : undefined),
  };
}

async function postgres(): Promise<Row[] | undefined> {
  const file = new URL('./store-postgres.ts', import.meta.url);
  if (!existsSync(file)) return undefined;
  type Bench = (o: typeof opts & { log: (l: string) => void }) => Promise<ForeignRow[]>;
  const mod = (await import(file.href)) as { benchPostgresStore?: Bench };
  if (!mod.benchPostgresStore) return undefined;
  return (await mod.benchPostgresStore({ ...opts, log: (l) => console.error(l) })).map(toRow);
}

console.log(
  `bench:store — ${opts.runs} runs of ${opts.durationMs} ms per line; medians; ratio = ours / baseline of the same run`,
);
if (values.only !== 'postgres')
  printTable('SQLite event store', await benchSqliteStore({ ...opts, synchronous }));
if (values.only !== 'sqlite') {
  try {
    const rows = await postgres();
    if (rows) printTable('PostgreSQL event store', rows);
    else console.log('\nPostgreSQL part: bench/store-postgres.ts not present, skipped');
  } catch (e) {
    console.error('\nPostgreSQL part failed:', e);
    process.exitCode = 1;
  }
}
