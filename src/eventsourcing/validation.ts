/**
 * Input validation shared by every event store adapter. Everything here runs before an append
 * is queued or written, so bad input fails with ValidationError (PAY_VALIDATION) and changes
 * nothing. The JSON produced here is what adapters store, so every adapter keeps the same bytes.
 */
import { validate as isUuid } from 'uuid';
import { ValidationError } from '../shared/errors.js';
import { uuidv7 } from '../shared/uuidv7.js';
import type {
  AppendOptions,
  ExpectedVersion,
  IdempotencyRecordInput,
  NewEvent,
  OutboxMessageInput,
  ReadAllOptions,
  ReadStreamOptions,
  Snapshot,
} from './eventStore.js';
import { toJson } from './json.js';

export { toJson };

export const MAX_STREAM_ID_LENGTH = 200;
export const MAX_TYPE_LENGTH = 200;
export const DEFAULT_READ_ALL_LIMIT = 1000;

// C0 controls, DEL and C1 controls: invisible in logs and URLs, so never part of an id.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const CHECKPOINT = /^\d{20}$/;

/** An event ready to store: id assigned, defaults applied, data and metadata serialised. */
export interface PreparedEvent {
  id: string;
  /** True when the caller gave the id (only those can make an append idempotent). */
  idGiven: boolean;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
}

export interface PreparedOutboxMessage {
  id: string;
  kind: string;
  dedupKey: string;
  payloadJson: string;
  availableAt: Date;
}

export interface PreparedIdempotency {
  key: string;
  requestHash: string;
  responseJson: string;
}

export interface PreparedAppend {
  streamId: string;
  events: PreparedEvent[];
  expectedVersion: ExpectedVersion;
  idempotency: PreparedIdempotency | undefined;
  outbox: PreparedOutboxMessage[];
  /** AppendOptions.freshIds: no event id can already be stored. */
  freshIds: boolean;
}

export function validateStreamId(streamId: unknown, field = 'streamId'): string {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new ValidationError(`${field} must be a non-empty string`, { field });
  }
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new ValidationError(`${field} longer than ${MAX_STREAM_ID_LENGTH} characters`, { field });
  }
  if (CONTROL_CHARS.test(streamId)) {
    throw new ValidationError(`${field} contains control characters`, { field });
  }
  return streamId;
}

function requireString(v: unknown, field: string, max = Number.POSITIVE_INFINITY): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new ValidationError(`${field} must be a non-empty string`, { field });
  }
  if (v.length > max) throw new ValidationError(`${field} longer than ${max} characters`, { field });
  return v;
}

function requireUuid(v: unknown, field: string): string {
  if (typeof v !== 'string' || !isUuid(v)) throw new ValidationError(`${field} must be a UUID`, { field });
  return v.toLowerCase();
}

function prepareEvent(e: NewEvent, i: number): PreparedEvent {
  const f = `events[${i}]`;
  if (typeof e !== 'object' || e === null) throw new ValidationError(`${f} must be an object`, { field: f });
  const type = requireString(e.type, `${f}.type`, MAX_TYPE_LENGTH);
  const schemaVersion = e.schemaVersion ?? 1;
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    throw new ValidationError(`${f}.schemaVersion must be a positive integer`, {
      field: `${f}.schemaVersion`,
    });
  }
  const metadata = e.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new ValidationError(`${f}.metadata must be an object`, { field: `${f}.metadata` });
  }
  const idGiven = e.id !== undefined;
  return {
    id: idGiven ? requireUuid(e.id, `${f}.id`) : uuidv7(),
    idGiven,
    type,
    schemaVersion,
    dataJson: toJson(e.data, `${f}.data`),
    metadataJson: toJson(metadata, `${f}.metadata`),
  };
}

export function validateExpectedVersion(v: unknown): ExpectedVersion {
  if (v === undefined) return 'any';
  if (v === 'any' || v === 'no_stream' || v === 'stream_exists') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw new ValidationError(
    `expectedVersion must be 'any', 'no_stream', 'stream_exists' or an integer >= 0`,
    {
      field: 'expectedVersion',
    },
  );
}

function prepareIdempotency(i: IdempotencyRecordInput | undefined): PreparedIdempotency | undefined {
  if (i === undefined) return undefined;
  if (typeof i !== 'object' || i === null) {
    throw new ValidationError('idempotency must be an object', { field: 'idempotency' });
  }
  return {
    key: requireString(i.key, 'idempotency.key', 500),
    requestHash: requireString(i.requestHash, 'idempotency.requestHash', 500),
    responseJson: toJson(i.response, 'idempotency.response'),
  };
}

function prepareOutbox(list: OutboxMessageInput[] | undefined, now: Date): PreparedOutboxMessage[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ValidationError('outbox must be an array', { field: 'outbox' });
  return list.map((m, i) => {
    const f = `outbox[${i}]`;
    if (typeof m !== 'object' || m === null)
      throw new ValidationError(`${f} must be an object`, { field: f });
    const availableAt = m.availableAt ?? now;
    if (!(availableAt instanceof Date) || Number.isNaN(availableAt.getTime())) {
      throw new ValidationError(`${f}.availableAt must be a valid Date`, { field: `${f}.availableAt` });
    }
    return {
      id: m.id === undefined ? uuidv7() : requireUuid(m.id, `${f}.id`),
      kind: requireString(m.kind, `${f}.kind`, MAX_TYPE_LENGTH),
      dedupKey: requireString(m.dedupKey, `${f}.dedupKey`, 500),
      payloadJson: toJson(m.payload, `${f}.payload`),
      availableAt,
    };
  });
}

/** Validates and normalises one append; throws ValidationError on any bad part. */
export function prepareAppend(
  streamId: unknown,
  events: unknown,
  options: AppendOptions = {},
): PreparedAppend {
  const id = validateStreamId(streamId);
  if (!Array.isArray(events)) throw new ValidationError('events must be an array', { field: 'events' });
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('options must be an object', { field: 'options' });
  }
  const prepared = (events as NewEvent[]).map(prepareEvent);
  const ids = new Set(prepared.map((e) => e.id));
  if (ids.size !== prepared.length) {
    throw new ValidationError('the same event id appears twice in one append', { field: 'events' });
  }
  return {
    streamId: id,
    events: prepared,
    expectedVersion: validateExpectedVersion(options.expectedVersion),
    idempotency: prepareIdempotency(options.idempotency),
    outbox: prepareOutbox(options.outbox, new Date()),
    freshIds: options.freshIds === true,
  };
}

/** '' or undefined → 0; otherwise the checkpoint must be one of checkpointOf()'s strings. */
export function positionFromCheckpoint(after: unknown): number {
  if (after === undefined || after === '') return 0;
  if (typeof after !== 'string' || !CHECKPOINT.test(after)) {
    throw new ValidationError('after must be a checkpoint returned by the store', { field: 'after' });
  }
  return Number(after);
}

function positiveLimit(limit: unknown, fallback: number): number {
  if (limit === undefined) return fallback;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw new ValidationError('limit must be a positive integer', { field: 'limit' });
  }
  return limit;
}

export interface NormalisedReadAll {
  afterPosition: number;
  limit: number;
  types: string[] | undefined;
  streamPrefix: string | undefined;
}

export function validateReadAll(o: ReadAllOptions = {}): NormalisedReadAll {
  if (o.types !== undefined && (!Array.isArray(o.types) || o.types.some((t) => typeof t !== 'string'))) {
    throw new ValidationError('types must be an array of strings', { field: 'types' });
  }
  if (o.streamPrefix !== undefined && typeof o.streamPrefix !== 'string') {
    throw new ValidationError('streamPrefix must be a string', { field: 'streamPrefix' });
  }
  return {
    afterPosition: positionFromCheckpoint(o.after),
    limit: positiveLimit(o.limit, DEFAULT_READ_ALL_LIMIT),
    types: o.types,
    streamPrefix: o.streamPrefix === '' ? undefined : o.streamPrefix,
  };
}

export interface NormalisedReadStream {
  from: number | undefined;
  direction: 'forward' | 'backward';
  limit: number;
}

export function validateReadStream(o: ReadStreamOptions = {}): NormalisedReadStream {
  const direction = o.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward') {
    throw new ValidationError("direction must be 'forward' or 'backward'", { field: 'direction' });
  }
  if (o.from !== undefined && (!Number.isSafeInteger(o.from) || o.from < 0)) {
    throw new ValidationError('from must be an integer >= 0', { field: 'from' });
  }
  return { from: o.from, direction, limit: positiveLimit(o.limit, Number.MAX_SAFE_INTEGER) };
}

export interface PreparedSnapshot {
  streamId: string;
  version: number;
  schemaVersion: number;
  stateJson: string;
  takenAt: Date;
}

export function prepareSnapshot(s: Snapshot): PreparedSnapshot {
  if (typeof s !== 'object' || s === null) throw new ValidationError('snapshot must be an object');
  if (!Number.isSafeInteger(s.version) || s.version < 1) {
    throw new ValidationError('snapshot.version must be a positive integer', { field: 'version' });
  }
  if (!Number.isSafeInteger(s.schemaVersion) || s.schemaVersion < 1) {
    throw new ValidationError('snapshot.schemaVersion must be a positive integer', {
      field: 'schemaVersion',
    });
  }
  const takenAt = s.takenAt ?? new Date();
  if (!(takenAt instanceof Date) || Number.isNaN(takenAt.getTime())) {
    throw new ValidationError('snapshot.takenAt must be a valid Date', { field: 'takenAt' });
  }
  return {
    streamId: validateStreamId(s.streamId),
    version: s.version,
    schemaVersion: s.schemaVersion,
    stateJson: toJson(s.state, 'snapshot.state'),
    takenAt,
  };
}
