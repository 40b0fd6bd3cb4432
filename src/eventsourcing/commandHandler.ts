/**
 * The generic command path: load (snapshot + tail, upcast on read) → decide → append with the
 * exact expected version, in one append carrying the idempotency record and the outbox rows.
 * Knows nothing about payments.
 *
 * Conflicts: a ConcurrencyError re-loads and re-decides (bounded, jittered backoff) unless the
 * caller pinned `expectedVersion` (If-Match): then it surfaces. Idempotency: a key already
 * recorded with the same request hash replays the stored result and writes nothing; with another
 * hash it is PAY_IDEMPOTENCY_MISMATCH. A concurrent duplicate that wins the race makes our append
 * fail with IdempotencyKeyExistsError, and we answer from its record the same way.
 * Options trade reads for the same results: `newStream`, `lookupKeyFirst: false`, `cache` and
 * `trustCache` (see each).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyError } from '../shared/errors.js';
import type { AggregateCache } from './aggregateCache.js';
import { appendDecided } from './commandAppend.js';
import {
  type EventMetadata,
  type EventStore,
  IdempotencyKeyExistsError,
  type IdempotencyStore,
  type OutboxMessageInput,
  type SnapshotStore,
} from './eventStore.js';
import { replayFromRecord } from './idempotency.js';
import { type DomainEvent, loadAggregate } from './loadAggregate.js';
import type { UpcasterRegistry } from './upcasting.js';

export type { DomainEvent } from './loadAggregate.js';

export interface Decider<C, E extends DomainEvent, S> {
  initialState(): S;
  evolve(state: S, event: E): S;
  /** Throws typed errors for commands the state forbids; [] when there is nothing to do. */
  decide(command: C, state: S): E[];
}

export interface EventWithId<E> {
  id: string;
  event: E;
}

export interface HandleCommandOptions<C, E extends DomainEvent, S> {
  store: EventStore & Partial<IdempotencyStore>;
  snapshots?: SnapshotStore;
  decider: Decider<C, E, S>;
  streamId: string;
  command: C;
  /** Stamped on every event: correlationId, causationId, actor. */
  metadata?: EventMetadata;
  /** If-Match: the version the caller last saw; a conflict surfaces instead of retrying. */
  expectedVersion?: number;
  idempotency?: { key: string; requestHash: string };
  /** Provider work asked for by the new events; `state` is the state after them. */
  outbox?: (events: EventWithId<E>[], state: S) => OutboxMessageInput[];
  /** The JSON result stored with the idempotency key (and replayed); default null. */
  response?: (outcome: { events: EventWithId<E>[]; state: S; version: number }) => unknown;
  upcasters?: UpcasterRegistry;
  /** Save a snapshot each time the version crosses a multiple of this; default 100, 0 = never. */
  snapshotEvery?: number;
  /** Identifies the state's shape; a snapshot of another version is ignored. Default 1. */
  snapshotSchemaVersion?: number;
  /**
   * The stream id was just minted (a new payment id): the first attempt skips loading (the state
   * is initialState at version 0) and the idempotency pre-lookup. The append's own key check, in
   * the same transaction, still turns a duplicate into a replay; a conflict re-loads as usual.
   */
  newStream?: boolean;
  /**
   * Default true: look the idempotency key up before loading. False: only when the command does
   * not append (refused, nothing to do, If-Match conflict); an append relies on the store's key
   * check in its own transaction. Same results, one read fewer on the common path.
   */
  lookupKeyFirst?: boolean;
  /** Loaded states by stream (see aggregateCache.ts); updated after each append. */
  cache?: AggregateCache<S>;
  /**
   * Decide on the cached state without reading the tail first (one read fewer). Safe: the append's
   * expected version rejects a stale state (re-load, retry), and a refusal or a no-op decided on
   * the cached state is re-checked against the store before it is returned. Default false.
   */
  trustCache?: boolean;
  /** Re-tries after a conflict; default 5. */
  maxRetries?: number;
  newEventId?: () => string;
}

export interface CommandOutcome<E, S> {
  streamId: string;
  /** Stream version after the command. */
  version: number;
  /** Checkpoint and position of the stream's last event (after the command). */
  checkpoint: string;
  globalPosition: number;
  /** True when an idempotency record answered: nothing was decided nor written. */
  replayed: boolean;
  /** Events written by this call; empty for replays and for commands with nothing to do. */
  events: EventWithId<E>[];
  /** The state after the command; undefined for replays. */
  state: S | undefined;
  /** The result stored with the idempotency key (or replayed from it). */
  response: unknown;
}

async function recordedReplay<C, E extends DomainEvent, S>(
  opts: HandleCommandOptions<C, E, S>,
  idem: { key: string; requestHash: string },
): Promise<CommandOutcome<E, S> | undefined> {
  if (!opts.store.getIdempotencyRecord) throw new TypeError('the store does not support idempotency keys');
  const record = await opts.store.getIdempotencyRecord(idem.key);
  return record ? replayFromRecord(record, idem.requestHash) : undefined;
}

export async function handleCommand<C, E extends DomainEvent, S>(
  opts: HandleCommandOptions<C, E, S>,
): Promise<CommandOutcome<E, S>> {
  const idem = opts.idempotency;
  const lookupFirst = idem !== undefined && opts.lookupKeyFirst !== false && !opts.newStream;
  if (lookupFirst) {
    const replay = await recordedReplay(opts, idem);
    if (replay) return replay;
  }
  try {
    return await decideWithRetries(opts);
  } catch (e) {
    if (idem && e instanceof IdempotencyKeyExistsError) return replayFromRecord(e.record, idem.requestHash);
    // Looked up late: a replay whose command would now be refused (or conflict with If-Match).
    if (idem && !lookupFirst) {
      const replay = await recordedReplay(opts, idem);
      if (replay) return replay;
    }
    throw e;
  }
}

async function decideWithRetries<C, E extends DomainEvent, S>(
  opts: HandleCommandOptions<C, E, S>,
): Promise<CommandOutcome<E, S>> {
  const maxRetries = opts.maxRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(opts, opts.newStream === true && attempt === 0);
    } catch (e) {
      if (!(e instanceof ConcurrencyError)) throw e;
      // The cached state (if any) is behind: drop it.
      opts.cache?.delete(opts.streamId);
      if (opts.expectedVersion !== undefined || attempt >= maxRetries) throw e;
      // Jitter spreads the re-tries of writers that collided on the same stream.
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }
}

async function attemptOnce<C, E extends DomainEvent, S>(
  opts: HandleCommandOptions<C, E, S>,
  fresh: boolean,
): Promise<CommandOutcome<E, S>> {
  const cached = !fresh && opts.trustCache ? opts.cache?.get(opts.streamId) : undefined;
  if (cached && (opts.expectedVersion === undefined || opts.expectedVersion === cached.version)) {
    const decided = decideQuietly(opts, cached.state);
    // Only a decision that appends is taken on trust: the expected version checks it.
    if (decided && decided.length > 0) return appendDecided(opts, cached, decided);
  }
  const loaded = fresh
    ? { state: opts.decider.initialState(), version: 0, checkpoint: '', globalPosition: 0 }
    : await loadAggregate(opts);
  if (opts.expectedVersion !== undefined && loaded.version !== opts.expectedVersion) {
    throw new ConcurrencyError(opts.streamId, opts.expectedVersion, loaded.version);
  }
  return appendDecided(opts, loaded, opts.decider.decide(opts.command, loaded.state));
}

/** A refusal on a possibly stale cached state is re-checked against the store, not returned. */
function decideQuietly<C, E extends DomainEvent, S>(
  opts: HandleCommandOptions<C, E, S>,
  state: S,
): E[] | undefined {
  try {
    return opts.decider.decide(opts.command, state);
  } catch {
    return undefined;
  }
}
