/**
 * The append decision every adapter shares: the expectedVersion check and idempotent append by
 * event id. Adapters look events up in their own storage and let these functions decide, so
 * memory, SQLite and PostgreSQL agree on every edge case.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConcurrencyError } from '../shared/errors.js';
import { EventIdConflictError, type ExpectedVersion } from './eventStore.js';
import type { PreparedEvent } from './validation.js';

/** What an adapter knows about an already-stored event with one of the appended ids. */
export interface StoredEventRef {
  id: string;
  streamId: string;
  streamVersion: number;
  type: string;
  dataJson: string;
  globalPosition: number;
  checkpoint: string;
}

/** Throws ConcurrencyError unless `current` satisfies `expected`. */
export function checkExpectedVersion(streamId: string, expected: ExpectedVersion, current: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === 0) ||
    (expected === 'stream_exists' && current >= 1) ||
    (typeof expected === 'number' && expected === current);
  if (!ok) throw new ConcurrencyError(streamId, expected, current);
}

function sameContent(stored: StoredEventRef, e: PreparedEvent): boolean {
  if (stored.type !== e.type) return false;
  if (stored.dataJson === e.dataJson) return true;
  // Key order may differ between the two serialisations; compare values.
  return isDeepStrictEqual(JSON.parse(stored.dataJson), JSON.parse(e.dataJson));
}

function firstVersionAllowed(expected: ExpectedVersion, firstVersion: number): boolean {
  if (expected === 'no_stream' || expected === 0) return firstVersion === 1;
  if (typeof expected === 'number') return firstVersion === expected + 1;
  return true; // 'any' and 'stream_exists': anywhere, as long as the run is consecutive
}

/**
 * Decides an append whose events may already be stored. `found[i]` is the stored event with
 * `events[i].id`, or undefined. Returns undefined when none exists (a normal append follows),
 * or the stored events when the append is a replay (success, nothing written).
 * Throws EventIdConflictError on a partial overlap, other content, stream or position.
 */
export function matchExistingEvents(
  streamId: string,
  expected: ExpectedVersion,
  events: PreparedEvent[],
  found: (StoredEventRef | undefined)[],
): StoredEventRef[] | undefined {
  const hits = found.filter((f): f is StoredEventRef => f !== undefined);
  if (hits.length === 0) return undefined;
  const first = found[0];
  events.forEach((e, i) => {
    const f = found[i];
    const ok =
      f !== undefined &&
      first !== undefined &&
      f.streamId === streamId &&
      f.streamVersion === first.streamVersion + i &&
      sameContent(f, e);
    if (!ok) throw new EventIdConflictError(f?.id ?? hits[0]!.id, streamId);
  });
  if (!firstVersionAllowed(expected, first!.streamVersion))
    throw new EventIdConflictError(first!.id, streamId);
  return hits;
}

/** True when any event carries a caller-given id, i.e. the append may be a replay. */
export function mayBeReplay(events: PreparedEvent[]): boolean {
  return events.some((e) => e.idGiven);
}
