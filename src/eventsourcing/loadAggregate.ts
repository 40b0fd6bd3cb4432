/**
 * Loading a stream's state: the latest snapshot of the expected shape, then the tail read from
 * snapshot.version + 1, upcast on read and folded with the decider's evolve.
 */
import type { AggregateCache, CachedAggregate } from './aggregateCache.js';
import type { EventStore, RecordedEvent, SnapshotStore } from './eventStore.js';
import type { UpcasterRegistry } from './upcasting.js';

export interface DomainEvent {
  type: string;
  data: unknown;
}

/** What the command handler stores as a snapshot's `state`. */
export interface SnapshotEnvelope<S> {
  state: S;
  checkpoint: string;
  globalPosition: number;
}

export interface LoadOptions<E extends DomainEvent, S> {
  store: Pick<EventStore, 'readStream'>;
  snapshots?: SnapshotStore;
  decider: { initialState(): S; evolve(state: S, event: E): S };
  streamId: string;
  upcasters?: UpcasterRegistry;
  snapshotSchemaVersion?: number;
  /** Checked before the snapshot store; the tail after the cached version is still read. */
  cache?: AggregateCache<S>;
  /** The snapshot interval: streams shorter than this are read without asking for a snapshot. Default 100. */
  snapshotEvery?: number;
}

export interface LoadedAggregate<S> {
  state: S;
  /** 0 when the stream does not exist. */
  version: number;
  /** Of the stream's last event; '' / 0 when the stream does not exist. */
  checkpoint: string;
  globalPosition: number;
  /** Events folded after the starting point (cached state, snapshot or the start). */
  tailLength: number;
}

async function loadEnvelope<E extends DomainEvent, S>(
  opts: LoadOptions<E, S>,
): Promise<{ version: number; envelope: SnapshotEnvelope<S> } | undefined> {
  if (!opts.snapshots) return undefined;
  try {
    const snap = await opts.snapshots.loadSnapshot(opts.streamId);
    if (!snap || snap.schemaVersion !== (opts.snapshotSchemaVersion ?? 1)) return undefined;
    return { version: snap.version, envelope: snap.state as SnapshotEnvelope<S> };
  } catch {
    // A snapshot is only a shortcut: without it the stream is folded from the start.
    return undefined;
  }
}

interface Fold<S> extends CachedAggregate<S> {
  folded: number;
}

/**
 * A fold's starting point, field by field: V8 (Node 20) takes a slow path for properties added
 * after an object spread, and every command that loads builds one.
 */
function startAt<S>(
  from: { state: S; checkpoint: string; globalPosition: number },
  version: number,
): Fold<S> {
  return {
    state: from.state,
    version,
    checkpoint: from.checkpoint,
    globalPosition: from.globalPosition,
    folded: 0,
  };
}

function fold<E extends DomainEvent, S>(
  opts: LoadOptions<E, S>,
  acc: Fold<S>,
  events: RecordedEvent[],
): Fold<S> {
  let { state, version, checkpoint, globalPosition } = acc;
  for (const raw of events) {
    const e = opts.upcasters ? opts.upcasters.upcast(raw) : raw;
    // A recorded event has `type` and `data`: the decider's event shape, without copying.
    state = opts.decider.evolve(state, e as unknown as E);
    version = e.streamVersion;
    checkpoint = e.checkpoint;
    globalPosition = e.globalPosition;
  }
  return { state, version, checkpoint, globalPosition, folded: acc.folded + events.length };
}

/**
 * Without a cached state: most streams are shorter than the snapshot interval and never have a
 * snapshot, so read the stream's newest `snapshotEvery` events first (one round trip) and consult
 * the snapshot store only when the stream is longer; the tail after the snapshot is then usually
 * among the events already read.
 */
async function fromStore<E extends DomainEvent, S>(opts: LoadOptions<E, S>): Promise<Fold<S>> {
  const empty = {
    state: opts.decider.initialState(),
    version: 0,
    checkpoint: '',
    globalPosition: 0,
    folded: 0,
  };
  const probe = opts.snapshotEvery ?? 100;
  const read = (from: number) => opts.store.readStream(opts.streamId, { from });
  if (!opts.snapshots || probe <= 0) {
    const snap = await loadEnvelope(opts);
    const start = snap ? startAt(snap.envelope, snap.version) : empty;
    return fold(opts, start, await read(start.version + 1));
  }
  // The newest `probe` events: the whole stream when it is short.
  const last = (
    await opts.store.readStream(opts.streamId, { direction: 'backward', limit: probe })
  ).reverse();
  if (last.length < probe) return fold(opts, empty, last);
  const snap = await loadEnvelope(opts);
  const start = snap ? startAt(snap.envelope, snap.version) : empty;
  // A snapshot taken within the newest `probe` events (the usual case): no third read.
  if (start.version >= (last[0]?.streamVersion ?? 1) - 1) {
    return fold(
      opts,
      start,
      last.filter((e) => e.streamVersion > start.version),
    );
  }
  return fold(opts, start, await read(start.version + 1));
}

export async function loadAggregate<E extends DomainEvent, S>(
  opts: LoadOptions<E, S>,
): Promise<LoadedAggregate<S>> {
  const cached = opts.cache?.get(opts.streamId);
  const acc = cached
    ? fold(
        opts,
        startAt(cached, cached.version),
        await opts.store.readStream(opts.streamId, { from: cached.version + 1 }),
      )
    : await fromStore(opts);
  const { state, version, checkpoint, globalPosition } = acc;
  if (acc.folded > 0) opts.cache?.set(opts.streamId, { state, version, checkpoint, globalPosition });
  return { state, version, checkpoint, globalPosition, tailLength: acc.folded };
}
