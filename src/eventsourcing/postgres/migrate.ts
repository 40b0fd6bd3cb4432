/**
 * PostgreSQL migration runner: applies each `NNNN_name.sql` of each set once, in order, each in
 * its own transaction, recording `(module, version)` in `schema_migrations`.
 * A session advisory lock serialises runners across processes, so running it twice or
 * concurrently is harmless: the second runner waits, then finds everything applied.
 */
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { loadMigrations, type Migration, type MigrationSet } from '../migrations.js';

/** The event store's own migrations (events, streams, snapshots, idempotency_keys, outbox_messages). */
export const eventStoreMigrations: MigrationSet = {
  module: 'eventstore',
  dir: fileURLToPath(new URL('./migrations', import.meta.url)),
};

// An arbitrary constant, fixed forever: every paystream process must agree on it.
const MIGRATION_LOCK_KEY = 7_461_022_915;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  module text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (module, version)
)`;

async function applyOne(client: pg.PoolClient, m: Migration): Promise<boolean> {
  await client.query('BEGIN');
  try {
    const done = await client.query('SELECT 1 FROM schema_migrations WHERE module = $1 AND version = $2', [
      m.module,
      m.version,
    ]);
    if (done.rowCount) {
      await client.query('ROLLBACK');
      return false;
    }
    await client.query(m.sql);
    await client.query('INSERT INTO schema_migrations (module, version, name) VALUES ($1, $2, $3)', [
      m.module,
      m.version,
      m.name,
    ]);
    await client.query('COMMIT');
    return true;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw new Error(`migration ${m.module}/${m.version}_${m.name} failed: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Applies the pending migrations of every set; returns the ones it applied. */
export async function migratePostgres(pool: pg.Pool, sets: MigrationSet[]): Promise<Migration[]> {
  const migrations = sets.flatMap(loadMigrations);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_TABLE);
      const applied: Migration[] = [];
      for (const m of migrations) if (await applyOne(client, m)) applied.push(m);
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((e: Error) => {
        broken = e;
      });
    }
  } finally {
    // A connection that may still hold the lock must not go back to the pool.
    client.release(broken);
  }
}
