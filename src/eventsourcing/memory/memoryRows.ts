/** Rows of the in-memory store: payloads kept as the JSON a database would hold. */
import type { StoredEventRef } from '../appendRules.js';
import type { IdempotencyRecord, RecordedEvent } from '../eventStore.js';

export interface StoredEvent extends StoredEventRef {
  schemaVersion: number;
  metadataJson: string;
  recordedAt: number;
}

export interface StoredIdempotency {
  key: string;
  requestHash: string;
  streamId: string;
  responseJson: string;
  checkpoint: string;
  globalPosition: number;
  createdAt: number;
}

export function toRecorded(e: StoredEvent): RecordedEvent {
  return {
    id: e.id,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    globalPosition: e.globalPosition,
    checkpoint: e.checkpoint,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: JSON.parse(e.dataJson),
    metadata: JSON.parse(e.metadataJson),
    recordedAt: new Date(e.recordedAt),
  };
}

export function toRecord(r: StoredIdempotency): IdempotencyRecord {
  return {
    key: r.key,
    requestHash: r.requestHash,
    streamId: r.streamId,
    response: JSON.parse(r.responseJson),
    checkpoint: r.checkpoint,
    globalPosition: r.globalPosition,
    createdAt: new Date(r.createdAt),
  };
}
