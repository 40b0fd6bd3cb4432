/**
 * Numbered, idempotent SQL migrations, grouped in sets: each module (event store, projections,
 * outbox/inbox, auth…) owns a folder of `NNNN_name.sql` files per database and registers it as a
 * set. Runners (sqlite/migrate.ts, postgres/migrate.ts) record `(module, version)` in
 * `schema_migrations` and apply each file once, in order, in its own transaction.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MigrationSet {
  /** Stable module name, e.g. 'eventstore', 'projections', 'outbox'. */
  module: string;
  /** Absolute path of the folder holding NNNN_name.sql files. */
  dir: string;
}

export interface Migration {
  module: string;
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(set: MigrationSet): Migration[] {
  return readdirSync(set.dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      module: set.module,
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(set.dir, file), 'utf8'),
    }));
}
