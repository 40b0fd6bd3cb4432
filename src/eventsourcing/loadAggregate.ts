/**
 * Loading a stream's state: the latest snapshot of the expected shape, then the tail read from
 * snapshot.version + 1, upcast on read and folded with the decider's evolve.
 */
import type { AggregateCache } from './aggregateCache.js';
import type { EventStore, SnapshotStore } from './eventStore.js';
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
}

export interface LoadedAggregate<S> {
  state: S;
  /** 0 when the stream does not exist. */
  version: number;
  /** Of the stream's last event; '' / 0 when the stream does not exist. */
  checkpoint: string;
  globalPosition: number;
  /** Events folded after the snapshot (or from the start). */
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

async function startingPoint<E extends DomainEvent, S>(opts: LoadOptions<E, S>) {
  const cached = opts.cache?.get(opts.streamId);
  if (cached) return cached;
  const snap = await loadEnvelope(opts);
  if (snap) return { ...snap.envelope, version: snap.version };
  return { state: opts.decider.initialState(), version: 0, checkpoint: '', globalPosition: 0 };
}

export async function loadAggregate<E extends DomainEvent, S>(
  opts: LoadOptions<E, S>,
): Promise<LoadedAggregate<S>> {
  let { state, version, checkpoint, globalPosition } = await startingPoint(opts);
  const tail = await opts.store.readStream(opts.streamId, { from: version + 1 });
  for (const raw of tail) {
    const e = opts.upcasters ? opts.upcasters.upcast(raw) : raw;
    // A recorded event has `type` and `data`: the decider's event shape, without copying.
    state = opts.decider.evolve(state, e as unknown as E);
    version = e.streamVersion;
    checkpoint = e.checkpoint;
    globalPosition = e.globalPosition;
  }
  if (tail.length > 0) opts.cache?.set(opts.streamId, { state, version, checkpoint, globalPosition });
  return { state, version, checkpoint, globalPosition, tailLength: tail.length };
}
