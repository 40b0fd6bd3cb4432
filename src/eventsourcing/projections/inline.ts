/**
 * Inline projections: applied by the store's inline hook inside the append's own transaction, so
 * the read model is never behind the log (a failing projection fails the append instead).
 * The hook cannot tell when the append commits, so change listeners and checkpoint waiters are
 * driven by a follower subscription, which only sees committed events (and applies any event the
 * hook missed).
 * A hook cannot be removed from a store: an inline projection stays applied for the store's life.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { EventStore, RecordedEvent, Subscription } from '../eventStore.js';
import type { PostgresProjectionDb } from './postgresProjectionDb.js';
import { eventsFor, liveTarget, type Projection, type ProjectionDb } from './projection.js';
import type { SqliteProjectionDb } from './sqliteProjectionDb.js';

export type InlineInstaller<Tx> = (p: Projection<Tx>) => void;

export interface SqliteHookHost {
  registerInlineHook(hook: (db: Database.Database, events: RecordedEvent[]) => void): void;
}
export interface PostgresHookHost {
  registerInlineHook(hook: (client: pg.PoolClient, events: RecordedEvent[]) => Promise<void>): void;
}

/** SQLite: the store's connection must be the projection database's (`new SqliteProjectionDb(store.db)`). */
export function sqliteInline(
  store: SqliteHookHost,
  pdb: SqliteProjectionDb,
): InlineInstaller<Database.Database> {
  return (p) =>
    store.registerInlineHook((db, events) => {
      if (db !== pdb.db)
        throw new Error(`inline projection ${p.name}: the store and read models must share a connection`);
      // One writer: appends arrive in checkpoint order, so the usual skip-what-is-applied rule holds.
      pdb.applyInTransaction(p, liveTarget(p, 'running'), events, true);
    });
}

/**
 * PostgreSQL: concurrent batches may commit out of checkpoint order, so every event given is
 * applied and the checkpoint only moves forward (see PostgresProjectionDb.applyInTransaction).
 */
export function postgresInline(
  store: PostgresHookHost,
  pdb: PostgresProjectionDb,
): InlineInstaller<pg.PoolClient> {
  return (p) =>
    store.registerInlineHook(async (client, events) => {
      await pdb.applyInTransaction(client, p, liveTarget(p, 'running'), events, false);
    });
}

/**
 * The follower of an inline projection: it reads the committed log from the stored checkpoint and
 * applies what the hook did not (events written by a process without the hook, or while the hook
 * was not installed) — the usual batch transaction, which skips what is already applied — then
 * reports every committed batch (for change listeners and checkpoint waiters).
 */
export async function followInline<Tx>(
  store: EventStore,
  db: ProjectionDb<Tx>,
  p: Projection<Tx>,
  onCommitted: (events: RecordedEvent[], checkpoint: string) => void,
): Promise<Subscription> {
  const stored = await db.getCheckpoint(p.name);
  return store.subscribe({
    after: stored?.checkpoint ?? '',
    batchHandler: async (events) => {
      const r = await db.applyBatch(p, liveTarget(p, 'running'), events);
      onCommitted(eventsFor(p, events), r.checkpoint);
    },
  });
}
