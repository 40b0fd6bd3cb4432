/**
 * OutboxStore over SQLite's `outbox_messages` (created by the SQLite event store's migrations),
 * on the store's own connection. better-sqlite3 is synchronous and SQLite has one writer, so a
 * lease (select + update in one transaction) is exclusive without row locks.
 * Times are INTEGER epoch milliseconds.
 */
import type Database from 'better-sqlite3';
import { NotFoundError } from '../../shared/errors.js';
import { OutboxNotDeadError } from './errors.js';
import type { OutboxClock } from './memoryOutboxStore.js';
import type { OutboxMessage, OutboxState, OutboxStats, OutboxStore } from './outboxStore.js';

interface Row {
  id: string;
  kind: string;
  stream_id: string;
  dedup_key: string;
  payload: string;
  state: OutboxState;
  attempts: number;
  available_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(Number(ms)));

function toMessage(r: Row): OutboxMessage {
  return {
    id: r.id,
    kind: r.kind,
    streamId: r.stream_id,
    dedupKey: r.dedup_key,
    payload: JSON.parse(r.payload),
    state: r.state,
    attempts: Number(r.attempts),
    availableAt: new Date(Number(r.available_at)),
    leaseOwner: r.lease_owner,
    leaseExpiresAt: date(r.lease_expires_at),
    lastError: r.last_error,
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
    completedAt: date(r.completed_at),
  };
}

const AVAILABLE = `(state = 'pending' AND available_at <= @now) OR (state = 'leased' AND lease_expires_at <= @now)`;

export class SqliteOutboxStore implements OutboxStore {
  private readonly leaseTx: Database.Transaction<(owner: string, limit: number, leaseMs: number) => Row[]>;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: OutboxClock = () => new Date(),
  ) {
    const pick = db.prepare(
      `SELECT id FROM outbox_messages WHERE ${AVAILABLE} ORDER BY available_at, id LIMIT @limit`,
    );
    const take = db.prepare(
      `UPDATE outbox_messages SET state = 'leased', lease_owner = @owner, lease_expires_at = @expires,
         attempts = attempts + 1, updated_at = @now WHERE id = @id RETURNING *`,
    );
    this.leaseTx = db.transaction((owner: string, limit: number, leaseMs: number) => {
      const now = this.clock().getTime();
      const ids = pick.all({ now, limit }) as Array<{ id: string }>;
      return ids.map(({ id }) => take.get({ id, owner, now, expires: now + leaseMs }) as Row);
    });
  }

  async lease(owner: string, limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    return this.leaseTx.immediate(owner, limit, leaseMs).map(toMessage);
  }

  async complete(id: string, owner: string): Promise<boolean> {
    const now = this.clock().getTime();
    const r = this.db
      .prepare(
        `UPDATE outbox_messages SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,
           updated_at = @now, completed_at = @now WHERE id = @id AND state = 'leased' AND lease_owner = @owner`,
      )
      .run({ id, owner, now });
    return r.changes === 1;
  }

  async fail(
    id: string,
    owner: string,
    error: string,
    next: { retryAt: Date } | { dead: true },
  ): Promise<boolean> {
    const now = this.clock().getTime();
    const dead = 'dead' in next;
    const r = this.db
      .prepare(
        `UPDATE outbox_messages SET state = @state, available_at = COALESCE(@retryAt, available_at),
           lease_owner = NULL, lease_expires_at = NULL, last_error = @error, updated_at = @now
         WHERE id = @id AND state = 'leased' AND lease_owner = @owner`,
      )
      .run({
        id,
        owner,
        now,
        error,
        state: dead ? 'dead' : 'pending',
        retryAt: dead ? null : next.retryAt.getTime(),
      });
    return r.changes === 1;
  }

  async get(id: string): Promise<OutboxMessage | undefined> {
    const r = this.db.prepare('SELECT * FROM outbox_messages WHERE id = ?').get(id) as Row | undefined;
    return r ? toMessage(r) : undefined;
  }

  async list(filter: { state?: OutboxState; limit?: number }): Promise<OutboxMessage[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM outbox_messages WHERE (@state IS NULL OR state = @state)
         ORDER BY created_at, id LIMIT @limit`,
      )
      .all({ state: filter.state ?? null, limit: filter.limit ?? 100 }) as Row[];
    return rows.map(toMessage);
  }

  async retry(id: string): Promise<OutboxMessage> {
    const now = this.clock().getTime();
    const tx = this.db.transaction(() => {
      const row = this.db.prepare('SELECT state FROM outbox_messages WHERE id = ?').get(id) as
        | { state: OutboxState }
        | undefined;
      if (!row) throw new NotFoundError('outbox message', id);
      if (row.state !== 'dead') throw new OutboxNotDeadError(id, row.state);
      return this.db
        .prepare(
          `UPDATE outbox_messages SET state = 'pending', attempts = 0, available_at = @now, updated_at = @now
           WHERE id = @id RETURNING *`,
        )
        .get({ id, now }) as Row;
    });
    return toMessage(tx.immediate());
  }

  async stats(): Promise<OutboxStats> {
    const now = this.clock().getTime();
    const rows = this.db
      .prepare(
        `SELECT state, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox_messages
         WHERE state <> 'done' GROUP BY state`,
      )
      .all() as Array<{ state: OutboxState; n: number; oldest: number }>;
    return statsFrom(rows, now);
  }
}

/** Shared by the SQL adapters: counts by state plus the age of the oldest live message. */
export function statsFrom(
  rows: Array<{ state: OutboxState; n: number | string; oldest: number | Date | null }>,
  now: number,
): OutboxStats {
  const s: OutboxStats = { pending: 0, leased: 0, dead: 0, oldestAgeSeconds: 0 };
  let oldest = now;
  for (const r of rows) {
    if (r.state === 'done') continue;
    s[r.state] = Number(r.n);
    if (r.state !== 'dead' && r.oldest !== null) oldest = Math.min(oldest, new Date(r.oldest).getTime());
  }
  s.oldestAgeSeconds = Math.max(0, (now - oldest) / 1000);
  return s;
}
