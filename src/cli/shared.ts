/** Helpers shared by the CLI commands: config loading and opening the persistence briefly. */

import { openPersistence, type Persistence } from '../app/persistence.js';
import { loadConfig } from '../config/index.js';
import type { Config } from '../config/schema.js';
import { createMetrics } from '../observability/metrics.js';

export function cliConfig(overrides: Parameters<typeof loadConfig>[0] = {}): Config {
  return loadConfig(overrides);
}

/** Opens the database (running the migrations), runs `fn`, closes. */
export async function withPersistence<T>(fn: (p: Persistence, config: Config) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const persistence = await openPersistence(config, createMetrics());
  try {
    return await fn(persistence, config);
  } finally {
    await persistence.close();
  }
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function table(rows: Array<Record<string, unknown>>): void {
  if (rows.length === 0) {
    print('(none)');
    return;
  }
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) =>
    v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  print(cols.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  for (const r of rows) print(cols.map((c, i) => cell(r[c]).padEnd(widths[i]!)).join('  '));
}
