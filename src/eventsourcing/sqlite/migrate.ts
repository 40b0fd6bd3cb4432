/**
 * Applies migration sets to a SQLite database (better-sqlite3). Each file runs once, in order,
 * in its own IMMEDIATE transaction together with its `schema_migrations` row, so a crash leaves
 * it either fully applied or not at all, and two processes migrating the same file never apply
 * a file twice (the second re-checks inside the write lock). Running it again is a no-op.
 */
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { loadMigrations, type MigrationSet } from '../migrations.js';

/** The event store's own set; SqliteEventStore applies it on open. */
export const SQLITE_EVENTSTORE_MIGRATIONS: MigrationSet = {
  module: 'eventstore',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url)),
};

export interface AppliedMigration {
  module: string;
  version: number;
  name: string;
}

/** Applies what is missing; returns the migrations applied by this call. */
export function migrateSqlite(db: Database.Database, sets: MigrationSet[]): AppliedMigration[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (module, version)
  )`);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?').pluck();
  const record = db.prepare(
    'INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)',
  );
  const applied: AppliedMigration[] = [];
  for (const set of sets) {
    for (const m of loadMigrations(set)) {
      const apply = db.transaction(() => {
        if (isApplied.get(m.module, m.version)) return false;
        db.exec(m.sql);
        record.run(m.module, m.version, m.name, Date.now());
        return true;
      });
      if (apply.immediate()) applied.push({ module: m.module, version: m.version, name: m.name });
    }
  }
  return applied;
}
