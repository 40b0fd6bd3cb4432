/**
 * The write half of the command handler: turns decided events into one append (events with
 * fresh UUIDv7 ids, the idempotency record, the outbox rows) at the exact expected version,
 * then updates the aggregate cache and saves a snapshot when one is due. Relies on the stores
 * writing an idempotency record with an empty append (memory, SQLite and PostgreSQL all do).
 */
import { uuidv7 } from '../shared/uuidv7.js';
import type { CachedAggregate } from './aggregateCache.js';
import type { CommandOutcome, HandleCommandOptions } from './commandHandler.js';
import type { AppendOptions } from './eventStore.js';
import type { DomainEvent } from './loadAggregate.js';

export async function appendDecided<C, E extends DomainEvent, S>(
  opts: HandleCommandOptions<C, E, S>,
  loaded: CachedAggregate<S>,
  decided: E[],
): Promise<CommandOutcome<E, S>> {
  const newId = opts.newEventId ?? uuidv7;
  const events = decided.map((event) => ({ id: newId(), event }));
  let state = loaded.state;
  for (const { event } of events) state = opts.decider.evolve(state, event);
  const version = loaded.version + events.length;
  const response = opts.response ? opts.response({ events, state, version }) : null;
  // Built field by field (V8 on Node 20 takes a slow path for properties added after an object
  // spread); the position is the stream's last one until the append gives the new one.
  const outcome: CommandOutcome<E, S> = {
    streamId: opts.streamId,
    replayed: false,
    events,
    state,
    response,
    version,
    checkpoint: loaded.checkpoint,
    globalPosition: loaded.globalPosition,
  };
  // Nothing to do: nothing to append, unless an idempotency key must still be recorded (an empty
  // append at the expected version), so a reuse of the key for another request is refused.
  if (events.length === 0 && !opts.idempotency) return outcome;
  const appendOptions: AppendOptions = {
    expectedVersion: loaded.version === 0 ? 'no_stream' : loaded.version,
  };
  // Our own UUIDv7s are new on every attempt; ids from a caller's newEventId may be replays.
  if (!opts.newEventId) appendOptions.freshIds = true;
  const idem = opts.idempotency;
  if (idem) {
    appendOptions.idempotency = {
      key: idem.key,
      requestHash: idem.requestHash,
      response: { version, response },
    };
  }
  const outbox = opts.outbox?.(events, state);
  if (outbox && outbox.length > 0) appendOptions.outbox = outbox;
  const newEvents = events.map(({ id, event }) => ({
    id,
    type: event.type,
    schemaVersion: opts.upcasters?.currentVersion(event.type) ?? 1,
    data: event.data,
    metadata: opts.metadata ?? {},
  }));
  const result = await opts.store.append(opts.streamId, newEvents, appendOptions);
  const { checkpoint, globalPosition } = result;
  opts.cache?.set(opts.streamId, { state, version, checkpoint, globalPosition });
  outcome.checkpoint = checkpoint;
  outcome.globalPosition = globalPosition;
  await maybeSnapshot(opts, loaded.version, outcome);
  return outcome;
}

/** Snapshots are an optimisation: a failure to save one never fails the command. */
async function maybeSnapshot<C, E extends DomainEvent, S>(
  opts: HandleCommandOptions<C, E, S>,
  previousVersion: number,
  outcome: CommandOutcome<E, S>,
): Promise<void> {
  const every = opts.snapshotEvery ?? 100;
  if (!opts.snapshots || every <= 0) return;
  if (Math.floor(outcome.version / every) === Math.floor(previousVersion / every)) return;
  try {
    await opts.snapshots.saveSnapshot({
      streamId: opts.streamId,
      version: outcome.version,
      schemaVersion: opts.snapshotSchemaVersion ?? 1,
      state: { state: outcome.state, checkpoint: outcome.checkpoint, globalPosition: outcome.globalPosition },
      takenAt: new Date(),
    });
  } catch {
    // Ignored on purpose: the next crossing saves a fresh one, and loads fall back to the tail.
  }
}
