/**
 * OutboxStore over PostgreSQL's `outbox_messages` (created by the PostgreSQL event store's
 * migrations). A lease is one statement: the inner `FOR UPDATE SKIP LOCKED` makes concurrent
 * dispatchers (in one process or many) take disjoint rows without waiting on each other.
 * Times come from the injected clock (default the host's) so tests can move time; leases are
 * tens of seconds, so ordinary clock skew between hosts does not matter.
 */
import type pg from 'pg';
import { NotFoundError } from '../../shared/errors.js';
import { OutboxNotDeadError } from './errors.js';
import type { OutboxClock } from './memoryOutboxStore.js';
import type { OutboxMessage, OutboxState, OutboxStats, OutboxStore } from './outboxStore.js';
import { statsFrom } from './sqliteOutboxStore.js';

interface Row {
  id: string;
  kind: string;
  stream_id: string;
  dedup_key: string;
  payload: unknown;
  state: OutboxState;
  attempts: number;
  available_at: Date;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

function toMessage(r: Row): OutboxMessage {
  return {
    id: r.id,
    kind: r.kind,
    streamId: r.stream_id,
    dedupKey: r.dedup_key,
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    state: r.state,
    attempts: Number(r.attempts),
    availableAt: r.available_at,
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
  };
}

const LEASE_SQL = `
UPDATE outbox_messages o SET state = 'leased', lease_owner = $1, lease_expires_at = $2,
  attempts = o.attempts + 1, updated_at = $3
FROM (
  SELECT id FROM outbox_messages
  WHERE (state = 'pending' AND available_at <= $3) OR (state = 'leased' AND lease_expires_at <= $3)
  ORDER BY available_at, id
  LIMIT $4
  FOR UPDATE SKIP LOCKED
) picked
WHERE o.id = picked.id
RETURNING o.*`;

export class PostgresOutboxStore implements OutboxStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: OutboxClock = () => new Date(),
  ) {}

  async lease(owner: string, limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    const now = this.clock();
    const expires = new Date(now.getTime() + leaseMs);
    const r = await this.pool.query<Row>(LEASE_SQL, [owner, expires, now, limit]);
    return r.rows
      .map(toMessage)
      .sort((a, b) => a.availableAt.getTime() - b.availableAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  async complete(id: string, owner: string): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE outbox_messages SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,
         updated_at = $3, completed_at = $3 WHERE id = $1 AND state = 'leased' AND lease_owner = $2`,
      [id, owner, this.clock()],
    );
    return r.rowCount === 1;
  }

  async fail(
    id: string,
    owner: string,
    error: string,
    next: { retryAt: Date } | { dead: true },
  ): Promise<boolean> {
    const dead = 'dead' in next;
    const r = await this.pool.query(
      `UPDATE outbox_messages SET state = $4, available_at = COALESCE($5, available_at),
         lease_owner = NULL, lease_expires_at = NULL, last_error = $3, updated_at = $6
       WHERE id = $1 AND state = 'leased' AND lease_owner = $2`,
      [id, owner, error, dead ? 'dead' : 'pending', dead ? null : next.retryAt, this.clock()],
    );
    return r.rowCount === 1;
  }

  async get(id: string): Promise<OutboxMessage | undefined> {
    const r = await this.pool.query<Row>('SELECT * FROM outbox_messages WHERE id = $1', [id]);
    return r.rows[0] ? toMessage(r.rows[0]) : undefined;
  }

  async list(filter: { state?: OutboxState; limit?: number }): Promise<OutboxMessage[]> {
    const r = await this.pool.query<Row>(
      `SELECT * FROM outbox_messages WHERE ($1::text IS NULL OR state = $1)
       ORDER BY created_at, id LIMIT $2`,
      [filter.state ?? null, filter.limit ?? 100],
    );
    return r.rows.map(toMessage);
  }

  async retry(id: string): Promise<OutboxMessage> {
    const now = this.clock();
    const r = await this.pool.query<Row>(
      `UPDATE outbox_messages SET state = 'pending', attempts = 0, available_at = $2, updated_at = $2
       WHERE id = $1 AND state = 'dead' RETURNING *`,
      [id, now],
    );
    if (r.rows[0]) return toMessage(r.rows[0]);
    const current = await this.get(id);
    if (!current) throw new NotFoundError('outbox message', id);
    throw new OutboxNotDeadError(id, current.state);
  }

  async stats(): Promise<OutboxStats> {
    const r = await this.pool.query<{ state: OutboxState; n: string; oldest: Date | null }>(
      `SELECT state, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox_messages
       WHERE state <> 'done' GROUP BY state`,
    );
    return statsFrom(r.rows, this.clock().getTime());
  }
}
