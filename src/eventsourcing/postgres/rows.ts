/**
 * Row mapping and the PostgreSQL checkpoint format `${pad(xid)}:${pad(global_position)}`: the
 * gap-safe order is (transaction_id, global_position), and zero padding makes plain string
 * comparison agree with it.
 */
import { ValidationError } from '../../shared/errors.js';
import { type EventMetadata, pad, type RecordedEvent } from '../eventStore.js';
import type { PreparedAppend } from '../validation.js';

export function pgCheckpoint(xid: string | bigint, globalPosition: number | string): string {
  return `${pad(xid)}:${pad(globalPosition)}`;
}

const CHECKPOINT = /^(\d{20}):(\d{20})$/;

/** '' or undefined → before everything; otherwise one of pgCheckpoint()'s strings. */
export function parsePgCheckpoint(after: unknown): { xid: string; position: string } {
  if (after === undefined || after === '') return { xid: '0', position: '0' };
  const m = typeof after === 'string' ? CHECKPOINT.exec(after) : null;
  if (!m) throw new ValidationError('after must be a checkpoint returned by the store', { field: 'after' });
  return { xid: BigInt(m[1]!).toString(), position: BigInt(m[2]!).toString() };
}

/** Columns every event read selects, in the shape toRecordedEvent expects. */
export const EVENT_COLUMNS = `global_position, transaction_id::text AS xid, stream_id, version, event_id, type,
  schema_version, data, metadata, recorded_at`;

export interface EventRow {
  global_position: string;
  xid: string;
  stream_id: string;
  version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

export function toRecordedEvent(r: EventRow): RecordedEvent {
  return {
    id: r.event_id,
    streamId: r.stream_id,
    streamVersion: Number(r.version),
    globalPosition: Number(r.global_position),
    checkpoint: pgCheckpoint(r.xid, r.global_position),
    type: r.type,
    schemaVersion: r.schema_version,
    data: r.data,
    metadata: r.metadata,
    recordedAt: r.recorded_at,
  };
}

// jsonb cannot hold U+0000; refuse it up front rather than fail inside a batch.
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;

/** Throws ValidationError when any JSON of the append holds U+0000. */
export function assertJsonbSafe(p: PreparedAppend): void {
  const parts: [string, string][] = p.events.flatMap((e, i): [string, string][] => [
    [`events[${i}].data`, e.dataJson],
    [`events[${i}].metadata`, e.metadataJson],
  ]);
  for (const [i, m] of p.outbox.entries()) parts.push([`outbox[${i}].payload`, m.payloadJson]);
  if (p.idempotency) parts.push(['idempotency.response', p.idempotency.responseJson]);
  for (const [field, json] of parts) {
    if (NUL_ESCAPE.test(json)) throw new ValidationError(`${field} contains a U+0000 character`, { field });
  }
}
