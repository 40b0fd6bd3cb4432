/**
 * The outbox: provider work written in the same transaction as the events that ask for it
 * (AppendOptions.outbox), then delivered at least once by the dispatcher.
 *
 * Table `outbox_messages` (created by the event store migrations of each database):
 *   id TEXT PK, kind TEXT, stream_id TEXT, dedup_key TEXT UNIQUE, payload (TEXT JSON | jsonb),
 *   state TEXT ('pending' | 'leased' | 'done' | 'dead') default 'pending', attempts INT default 0,
 *   available_at, lease_owner TEXT NULL, lease_expires_at NULL, last_error TEXT NULL,
 *   created_at, updated_at, completed_at NULL; index (state, available_at).
 *   Times: SQLite INTEGER epoch milliseconds, PostgreSQL timestamptz.
 * A lease is exclusive: two dispatchers never hold the same message at once; an expired lease
 * makes the message available again (at-least-once).
 */
export type OutboxState = 'pending' | 'leased' | 'done' | 'dead';

export interface OutboxMessage {
  id: string;
  kind: string;
  streamId: string;
  dedupKey: string;
  payload: unknown;
  state: OutboxState;
  attempts: number;
  availableAt: Date;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export interface OutboxStats {
  pending: number;
  leased: number;
  dead: number;
  /** Age in seconds of the oldest message not done nor dead; 0 when none. */
  oldestAgeSeconds: number;
}

export interface OutboxStore {
  /** Leases up to `limit` available messages (pending, or leased with an expired lease), oldest first; increments attempts. */
  lease(owner: string, limit: number, leaseMs: number): Promise<OutboxMessage[]>;
  /** Marks done; false if the lease was lost (another owner, or not leased). */
  complete(id: string, owner: string): Promise<boolean>;
  /** Releases the lease with an error: back to pending at `retryAt`, or to dead when `dead` is true. */
  fail(id: string, owner: string, error: string, next: { retryAt: Date } | { dead: true }): Promise<boolean>;
  get(id: string): Promise<OutboxMessage | undefined>;
  list(filter: { state?: OutboxState; limit?: number }): Promise<OutboxMessage[]>;
  /** A dead letter back to pending, attempts reset; PAY_OUTBOX_NOT_DEAD if it is not dead. */
  retry(id: string): Promise<OutboxMessage>;
  stats(): Promise<OutboxStats>;
}
