/**
 * The SQLite event store's prepared statements and row mapping. Prepared once per connection:
 * group commit runs them thousands of times a second.
 */
import type Database from 'better-sqlite3';
import type { StoredEventRef } from '../appendRules.js';
import { checkpointOf, type IdempotencyRecord, type RecordedEvent, type Snapshot } from '../eventStore.js';

export interface EventRow {
  global_position: number;
  id: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: number;
}

export interface IdempotencyRow {
  key: string;
  request_hash: string;
  stream_id: string;
  response: string;
  checkpoint: string;
  global_position: number;
  created_at: number;
}

export interface SnapshotRow {
  stream_id: string;
  version: number;
  schema_version: number;
  state: string;
  taken_at: number;
}

export function toRecordedEvent(r: EventRow): RecordedEvent {
  return {
    id: r.id,
    streamId: r.stream_id,
    streamVersion: r.version,
    globalPosition: r.global_position,
    checkpoint: checkpointOf(r.global_position),
    type: r.type,
    schemaVersion: r.schema_version,
    data: JSON.parse(r.data),
    metadata: JSON.parse(r.metadata),
    recordedAt: new Date(r.recorded_at),
  };
}

/**
 * readAll's rows as arrays (better-sqlite3 raw mode), columns in READ_ALL's order: building a
 * keyed row object per event was about a third of a projection rebuild's read cost.
 */
export type RawEventRow = [
  global_position: number,
  id: string,
  stream_id: string,
  version: number,
  type: string,
  schema_version: number,
  data: string,
  metadata: string,
  recorded_at: number,
];

export function rawToRecordedEvent(r: RawEventRow): RecordedEvent {
  return {
    id: r[1],
    streamId: r[2],
    streamVersion: r[3],
    globalPosition: r[0],
    checkpoint: checkpointOf(r[0]),
    type: r[4],
    schemaVersion: r[5],
    data: JSON.parse(r[6]),
    // Most events carry no metadata: skip the parser for the empty object.
    metadata: r[7] === '{}' ? {} : JSON.parse(r[7]),
    recordedAt: new Date(r[8]),
  };
}

export function toStoredRef(r: EventRow): StoredEventRef {
  return {
    id: r.id,
    streamId: r.stream_id,
    streamVersion: r.version,
    type: r.type,
    dataJson: r.data,
    globalPosition: r.global_position,
    checkpoint: checkpointOf(r.global_position),
  };
}

export function toIdempotencyRecord(r: IdempotencyRow): IdempotencyRecord {
  return {
    key: r.key,
    requestHash: r.request_hash,
    streamId: r.stream_id,
    response: JSON.parse(r.response),
    checkpoint: r.checkpoint,
    globalPosition: r.global_position,
    createdAt: new Date(r.created_at),
  };
}

export function toSnapshot(r: SnapshotRow): Snapshot {
  return {
    streamId: r.stream_id,
    version: r.version,
    schemaVersion: r.schema_version,
    state: JSON.parse(r.state),
    takenAt: new Date(r.taken_at),
  };
}

const READ_ALL = `SELECT global_position, id, stream_id, version, type, schema_version, data, metadata,
  recorded_at FROM events WHERE global_position > @after
  AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
  AND (@prefix IS NULL OR substr(stream_id, 1, @prefixLength) = @prefix)
  ORDER BY global_position LIMIT @limit`;

const UPSERT_SNAPSHOT = `INSERT INTO snapshots (stream_id, version, schema_version, state, taken_at)
  VALUES (@streamId, @version, @schemaVersion, @state, @takenAt)
  ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, schema_version = excluded.schema_version,
    state = excluded.state, taken_at = excluded.taken_at
  WHERE excluded.schema_version <> snapshots.schema_version OR excluded.version >= snapshots.version`;

const INSERT_OUTBOX = `INSERT INTO outbox_messages
  (id, kind, stream_id, dedup_key, payload, state, attempts, available_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT DO NOTHING`;

export function prepareStatements(db: Database.Database) {
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT append'),
    release: db.prepare('RELEASE append'),
    rollbackTo: db.prepare('ROLLBACK TO append'),
    streamVersion: db.prepare<[string], number>('SELECT version FROM streams WHERE stream_id = ?').pluck(),
    eventById: db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?'),
    eventAt: db.prepare<[string, number], EventRow>(
      'SELECT * FROM events WHERE stream_id = ? AND version = ?',
    ),
    insertEvent: db.prepare(
      `INSERT INTO events (id, stream_id, version, type, schema_version, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    upsertStream: db.prepare(
      `INSERT INTO streams (stream_id, version) VALUES (?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version`,
    ),
    readForward: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?',
    ),
    readBackward: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream_id = ? AND version <= ? ORDER BY version DESC LIMIT ?',
    ),
    readAll: db.prepare<Record<string, unknown>, RawEventRow>(READ_ALL).raw(true),
    head: db.prepare<[], number>('SELECT MAX(global_position) FROM events').pluck(),
    getIdempotency: db.prepare<[string], IdempotencyRow>('SELECT * FROM idempotency_keys WHERE key = ?'),
    insertIdempotency: db.prepare(
      `INSERT INTO idempotency_keys (key, request_hash, stream_id, response, checkpoint, global_position, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    pruneIdempotency: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
    insertOutbox: db.prepare(INSERT_OUTBOX),
    getSnapshot: db.prepare<[string], SnapshotRow>('SELECT * FROM snapshots WHERE stream_id = ?'),
    upsertSnapshot: db.prepare(UPSERT_SNAPSHOT),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
