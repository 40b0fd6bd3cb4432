/**
 * Loading a stream's state: the latest snapshot of the expected shape, then the tail read from
 * snapshot.version + 1, upcast on read and folded with the decider's evolve.
 */
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

export async function loadAggregate<E extends DomainEvent, S>(
  opts: LoadOptions<E, S>,
): Promise<LoadedAggregate<S>> {
  const snap = await loadEnvelope(opts);
  let state = snap ? snap.envelope.state : opts.decider.initialState();
  let version = snap?.version ?? 0;
  let checkpoint = snap?.envelope.checkpoint ?? '';
  let globalPosition = snap?.envelope.globalPosition ?? 0;
  const tail = await opts.store.readStream(opts.streamId, { from: version + 1 });
  for (const raw of tail) {
    const e = opts.upcasters ? opts.upcasters.upcast(raw) : raw;
    // A recorded event has `type` and `data`: the decider's event shape, without copying.
    state = opts.decider.evolve(state, e as unknown as E);
    version = e.streamVersion;
    checkpoint = e.checkpoint;
    globalPosition = e.globalPosition;
  }
  return { state, version, checkpoint, globalPosition, tailLength: tail.length };
}
