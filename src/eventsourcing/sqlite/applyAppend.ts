/**
 * One append inside the group-commit transaction (the caller wraps it in a savepoint): the
 * idempotency key check, idempotent replay by event id, the expectedVersion check against the
 * stream row, the inserts, inline hooks, then the idempotency record and outbox rows.
 * Throwing rolls back this append only.
 */
import type Database from 'better-sqlite3';
import {
  checkExpectedVersion,
  matchExistingEvents,
  mayBeReplay,
  type StoredEventRef,
} from '../appendRules.js';
import {
  type AppendResult,
  checkpointOf,
  IdempotencyKeyExistsError,
  type RecordedEvent,
} from '../eventStore.js';
import type { PreparedAppend } from '../validation.js';
import { type Statements, toIdempotencyRecord, toStoredRef } from './statements.js';

/** Runs inside the append's savepoint after its events are inserted; throwing fails that append. */
export type InlineHook = (db: Database.Database, events: RecordedEvent[]) => void;

function result(
  streamId: string,
  version: number,
  positions: number[],
  last: number,
  written: boolean,
): AppendResult {
  return {
    streamId,
    nextExpectedVersion: version,
    globalPositions: positions,
    checkpoint: last === 0 ? '' : checkpointOf(last),
    globalPosition: last,
    written,
  };
}

function replayResult(streamId: string, replay: StoredEventRef[]): AppendResult {
  const last = replay[replay.length - 1]!;
  const positions = replay.map((e) => e.globalPosition);
  return result(streamId, last.streamVersion, positions, last.globalPosition, false);
}

function insertEvents(
  db: Database.Database,
  s: Statements,
  p: PreparedAppend,
  current: number,
  hooks: InlineHook[],
) {
  const now = Date.now();
  const positions: number[] = [];
  p.events.forEach((e, i) => {
    const info = s.insertEvent.run(
      e.id,
      p.streamId,
      current + i + 1,
      e.type,
      e.schemaVersion,
      e.dataJson,
      e.metadataJson,
      now,
    );
    positions.push(Number(info.lastInsertRowid));
  });
  s.upsertStream.run(p.streamId, current + p.events.length);
  if (hooks.length > 0) {
    const recorded: RecordedEvent[] = p.events.map((e, i) => ({
      id: e.id,
      streamId: p.streamId,
      streamVersion: current + i + 1,
      globalPosition: positions[i]!,
      checkpoint: checkpointOf(positions[i]!),
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: JSON.parse(e.dataJson),
      metadata: JSON.parse(e.metadataJson),
      recordedAt: new Date(now),
    }));
    for (const hook of hooks) hook(db, recorded);
  }
  return result(p.streamId, current + p.events.length, positions, positions[positions.length - 1]!, true);
}

function decide(db: Database.Database, s: Statements, p: PreparedAppend, hooks: InlineHook[]): AppendResult {
  if (p.idempotency) {
    const existing = s.getIdempotency.get(p.idempotency.key);
    if (existing) throw new IdempotencyKeyExistsError(toIdempotencyRecord(existing));
  }
  // Ids minted for this append cannot be stored yet: skip the probe per event.
  if (!p.freshIds && mayBeReplay(p.events)) {
    const found = p.events.map((e) => {
      const row = e.idGiven ? s.eventById.get(e.id) : undefined;
      return row ? toStoredRef(row) : undefined;
    });
    const replay = matchExistingEvents(p.streamId, p.expectedVersion, p.events, found);
    if (replay) return replayResult(p.streamId, replay);
  }
  const current = s.streamVersion.get(p.streamId) ?? 0;
  checkExpectedVersion(p.streamId, p.expectedVersion, current);
  if (p.events.length === 0) {
    const last = current === 0 ? undefined : s.eventAt.get(p.streamId, current);
    return result(p.streamId, current, [], last?.global_position ?? 0, false);
  }
  return insertEvents(db, s, p, current, hooks);
}

function writeSideRows(s: Statements, p: PreparedAppend, r: AppendResult): void {
  const now = Date.now();
  if (p.idempotency) {
    const i = p.idempotency;
    s.insertIdempotency.run(
      i.key,
      i.requestHash,
      p.streamId,
      i.responseJson,
      r.checkpoint,
      r.globalPosition,
      now,
    );
  }
  for (const m of p.outbox) {
    s.insertOutbox.run(
      m.id,
      m.kind,
      p.streamId,
      m.dedupKey,
      m.payloadJson,
      m.availableAt.getTime(),
      now,
      now,
    );
  }
}

export function applyAppend(
  db: Database.Database,
  s: Statements,
  p: PreparedAppend,
  hooks: InlineHook[],
): AppendResult {
  const r = decide(db, s, p, hooks);
  writeSideRows(s, p, r);
  return r;
}
