/**
 * The paths of an append that write no event — an empty append, a replay by event id — and the
 * idempotency/snapshot queries. They are rare, so they use plain transactions instead of the
 * group-commit statement; their side rows (idempotency record, outbox rows) follow the same rules.
 */
import type pg from 'pg';
import { checkExpectedVersion, type StoredEventRef } from '../appendRules.js';
import {
  type AppendResult,
  IdempotencyKeyExistsError,
  type IdempotencyRecord,
  type Snapshot,
} from '../eventStore.js';
import type { PreparedAppend, PreparedSnapshot } from '../validation.js';
import { pgCheckpoint } from './rows.js';

interface IdempotencyRow {
  key: string;
  request_hash: string;
  stream_id: string;
  response: unknown;
  checkpoint: string;
  global_position: string;
  created_at: Date;
}

export async function getIdempotency(
  db: pg.Pool | pg.PoolClient,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const res = await db.query<IdempotencyRow>('SELECT * FROM idempotency_keys WHERE key = $1', [key]);
  const r = res.rows[0];
  if (!r) return undefined;
  return {
    key: r.key,
    requestHash: r.request_hash,
    streamId: r.stream_id,
    response: r.response,
    checkpoint: r.checkpoint,
    globalPosition: Number(r.global_position),
    createdAt: r.created_at,
  };
}

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch((err: Error) => {
      broken = err;
    });
    throw e;
  } finally {
    client.release(broken);
  }
}

/** Writes the idempotency record and outbox rows of an append that wrote no event. */
async function writeSideRows(client: pg.PoolClient, p: PreparedAppend, r: AppendResult): Promise<void> {
  if (p.idempotency) {
    const { key, requestHash, responseJson } = p.idempotency;
    const ins = await client.query(
      `INSERT INTO idempotency_keys (key, request_hash, stream_id, response, checkpoint, global_position)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6) ON CONFLICT DO NOTHING`,
      [key, requestHash, p.streamId, responseJson, r.checkpoint, r.globalPosition],
    );
    if (ins.rowCount === 0) {
      const existing = await getIdempotency(client, key);
      if (existing) throw new IdempotencyKeyExistsError(existing);
    }
  }
  for (const m of p.outbox) {
    await client.query(
      `INSERT INTO outbox_messages (id, kind, stream_id, dedup_key, payload, available_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING`,
      [m.id, m.kind, p.streamId, m.dedupKey, m.payloadJson, m.availableAt],
    );
  }
}

/** An empty append: checks expectedVersion under a share lock, writes only its side rows. */
export function emptyAppend(pool: pg.Pool, p: PreparedAppend): Promise<AppendResult> {
  return inTransaction(pool, async (client) => {
    const res = await client.query<{ version: string; xid: string | null; global_position: string | null }>(
      `SELECT s.version, e.transaction_id::text AS xid, e.global_position
       FROM streams s LEFT JOIN events e ON e.stream_id = s.stream_id AND e.version = s.version
       WHERE s.stream_id = $1 FOR SHARE OF s`,
      [p.streamId],
    );
    const row = res.rows[0];
    const version = row ? Number(row.version) : 0;
    checkExpectedVersion(p.streamId, p.expectedVersion, version);
    const result: AppendResult = {
      streamId: p.streamId,
      nextExpectedVersion: version,
      globalPositions: [],
      checkpoint: row?.xid ? pgCheckpoint(row.xid, row.global_position!) : '',
      globalPosition: row?.global_position ? Number(row.global_position) : 0,
      written: false,
    };
    await writeSideRows(client, p, result);
    return result;
  });
}

/** The stored events with these ids, in the order of `ids` (undefined where absent). */
export async function findEvents(pool: pg.Pool, ids: string[]): Promise<(StoredEventRef | undefined)[]> {
  const res = await pool.query<{
    event_id: string;
    stream_id: string;
    version: string;
    type: string;
    data: string;
    global_position: string;
    xid: string;
  }>(
    `SELECT event_id, stream_id, version, type, data::text AS data, global_position, transaction_id::text AS xid
     FROM events WHERE event_id = ANY($1::uuid[])`,
    [ids],
  );
  const byId = new Map(
    res.rows.map((r) => [
      r.event_id,
      {
        id: r.event_id,
        streamId: r.stream_id,
        streamVersion: Number(r.version),
        type: r.type,
        dataJson: r.data,
        globalPosition: Number(r.global_position),
        checkpoint: pgCheckpoint(r.xid, r.global_position),
      },
    ]),
  );
  return ids.map((id) => byId.get(id));
}

/** A replay by event id: nothing new is written but its side rows, as for any successful append. */
export async function replayResult(
  pool: pg.Pool,
  p: PreparedAppend,
  stored: StoredEventRef[],
): Promise<AppendResult> {
  const last = stored[stored.length - 1]!;
  const result: AppendResult = {
    streamId: p.streamId,
    nextExpectedVersion: last.streamVersion,
    globalPositions: stored.map((e) => e.globalPosition),
    checkpoint: last.checkpoint,
    globalPosition: last.globalPosition,
    written: false,
  };
  if (p.idempotency || p.outbox.length > 0) await inTransaction(pool, (c) => writeSideRows(c, p, result));
  return result;
}

export async function saveSnapshotRow(pool: pg.Pool, s: PreparedSnapshot): Promise<void> {
  // A slow writer must not replace a newer snapshot of the same shape with an older one.
  await pool.query(
    `INSERT INTO snapshots (stream_id, version, schema_version, state, taken_at)
     VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version,
       state = EXCLUDED.state, taken_at = EXCLUDED.taken_at
     WHERE snapshots.schema_version <> EXCLUDED.schema_version OR snapshots.version <= EXCLUDED.version`,
    [s.streamId, s.version, s.schemaVersion, s.stateJson, s.takenAt],
  );
}

export async function loadSnapshotRow(pool: pg.Pool, streamId: string): Promise<Snapshot | undefined> {
  const res = await pool.query<{ version: string; schema_version: number; state: unknown; taken_at: Date }>(
    'SELECT version, schema_version, state, taken_at FROM snapshots WHERE stream_id = $1',
    [streamId],
  );
  const r = res.rows[0];
  if (!r) return undefined;
  return {
    streamId,
    version: Number(r.version),
    schemaVersion: r.schema_version,
    state: r.state,
    takenAt: r.taken_at,
  };
}
