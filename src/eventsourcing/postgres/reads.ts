/**
 * Reads. readAll and head are gap-safe: they only see events whose transaction id is below the
 * xmin of the current snapshot, i.e. written by transactions that have ended, and no transaction
 * that could still commit has a smaller id. So a reader that moved past a checkpoint can never
 * later find an event ordered before it; a late commit is delayed, never skipped.
 */
import type pg from 'pg';
import type { ReadAllOptions, RecordedEvent, StoreHead } from '../eventStore.js';
import { validateReadAll, validateReadStream, validateStreamId } from '../validation.js';
import { EVENT_COLUMNS, type EventRow, parsePgCheckpoint, pgCheckpoint, toRecordedEvent } from './rows.js';

const READ_ALL = `SELECT ${EVENT_COLUMNS} FROM events
WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  AND ($3::text[] IS NULL OR type = ANY($3::text[]))
  AND ($4::text IS NULL OR starts_with(stream_id, $4::text))
ORDER BY transaction_id, global_position
LIMIT $5`;

const HEAD = `SELECT transaction_id::text AS xid, global_position FROM events
WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id DESC, global_position DESC
LIMIT 1`;

const READ_FORWARD = `SELECT ${EVENT_COLUMNS} FROM events
WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3::bigint`;

const READ_BACKWARD = `SELECT ${EVENT_COLUMNS} FROM events
WHERE stream_id = $1 AND version <= $2 ORDER BY version DESC LIMIT $3::bigint`;

export async function readAllEvents(pool: pg.Pool, options?: ReadAllOptions): Promise<RecordedEvent[]> {
  const after = parsePgCheckpoint(options?.after);
  // validateReadAll checks the rest; the PostgreSQL checkpoint format is parsed above.
  const o = validateReadAll({ ...options, after: undefined });
  if (o.types !== undefined && o.types.length === 0) return [];
  const res = await pool.query<EventRow>(READ_ALL, [
    after.xid,
    after.position,
    o.types ?? null,
    o.streamPrefix ?? null,
    o.limit,
  ]);
  return res.rows.map(toRecordedEvent);
}

export async function readHead(pool: pg.Pool): Promise<StoreHead> {
  const res = await pool.query<{ xid: string; global_position: string }>(HEAD);
  const row = res.rows[0];
  if (!row) return { checkpoint: '', globalPosition: 0 };
  return {
    checkpoint: pgCheckpoint(row.xid, row.global_position),
    globalPosition: Number(row.global_position),
  };
}

export async function readStreamEvents(
  pool: pg.Pool,
  streamId: string,
  options?: { from?: number; direction?: 'forward' | 'backward'; limit?: number },
): Promise<RecordedEvent[]> {
  validateStreamId(streamId);
  const o = validateReadStream(options);
  const forward = o.direction === 'forward';
  const from = o.from ?? (forward ? 1 : Number.MAX_SAFE_INTEGER);
  const res = await pool.query<EventRow>(forward ? READ_FORWARD : READ_BACKWARD, [streamId, from, o.limit]);
  return res.rows.map(toRecordedEvent);
}

export async function readStreamVersion(pool: pg.Pool, streamId: string): Promise<number> {
  validateStreamId(streamId);
  const res = await pool.query<{ version: string }>('SELECT version FROM streams WHERE stream_id = $1', [
    streamId,
  ]);
  return res.rows[0] ? Number(res.rows[0].version) : 0;
}
