/**
 * Inline projections: applied by the store's inline hook inside the append's own transaction, so
 * the read model is never behind the log (a failing projection fails the append instead).
 * The hook cannot tell when the append commits, so change listeners and checkpoint waiters are
 * driven by a follower subscription, which only sees committed events.
 * A hook cannot be removed from a store: an inline projection stays applied for the store's life.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { EventStore, RecordedEvent, Subscription } from '../eventStore.js';
import type { PostgresProjectionDb } from './postgresProjectionDb.js';
import { eventsFor, liveTarget, type Projection } from './projection.js';
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

/** Calls `onCommitted` with each committed batch's events of the projection, from the head on. */
export async function followCommits(
  store: EventStore,
  p: { eventTypes: readonly string[]; streamPrefix?: string },
  onCommitted: (events: RecordedEvent[], checkpoint: string) => void,
): Promise<Subscription> {
  const head = await store.head();
  return store.subscribe({
    after: head.checkpoint,
    batchHandler: (events) => {
      const last = events[events.length - 1];
      if (last) onCommitted(eventsFor(p, events), last.checkpoint);
    },
  });
}
