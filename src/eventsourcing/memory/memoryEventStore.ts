/**
 * The event store in memory, for unit tests and local runs. Same semantics as the SQLite and
 * PostgreSQL adapters (it passes testing/eventStoreContract.ts): data is stored as the JSON the
 * other adapters would store, so what you read back is what a database would give you.
 * An append is applied synchronously when called, so concurrent appends serialise trivially.
 */
import { PaystreamError } from '../../shared/errors.js';
import {
  checkExpectedVersion,
  matchExistingEvents,
  mayBeReplay,
  type StoredEventRef,
} from '../appendRules.js';
import {
  type AppendOptions,
  type AppendResult,
  checkpointOf,
  type EventStore,
  IdempotencyKeyExistsError,
  type IdempotencyRecord,
  type IdempotencyStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Snapshot,
  type SnapshotStore,
  type StoreHead,
  type SubscribeOptions,
  type Subscription,
} from '../eventStore.js';
import { ChangeNotifier, startSubscription } from '../subscription.js';
import {
  type PreparedAppend,
  prepareAppend,
  prepareSnapshot,
  validateReadAll,
  validateReadStream,
  validateStreamId,
} from '../validation.js';
import { MemoryOutboxTable } from './memoryOutboxTable.js';
import { type StoredEvent, type StoredIdempotency, toRecord, toRecorded } from './memoryRows.js';

export class MemoryEventStore implements EventStore, IdempotencyStore, SnapshotStore {
  /** The outbox rows written by appends; wrap it in an OutboxStore to dispatch them. */
  readonly outbox = new MemoryOutboxTable();
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byId = new Map<string, StoredEvent>();
  private readonly idempotency = new Map<string, StoredIdempotency>();
  private readonly snapshots = new Map<string, { stateJson: string; snapshot: Snapshot }>();
  private readonly notifier = new ChangeNotifier();
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const p = prepareAppend(streamId, events, options);
    if (p.idempotency) {
      const existing = this.idempotency.get(p.idempotency.key);
      if (existing) throw new IdempotencyKeyExistsError(toRecord(existing));
    }
    const result = this.decideAndWrite(p);
    this.writeSideRows(p, result);
    if (result.written) this.notifier.notify();
    return result;
  }

  private decideAndWrite(p: PreparedAppend): AppendResult {
    const stream = this.streams.get(p.streamId) ?? [];
    if (mayBeReplay(p.events)) {
      const found = p.events.map((e) => this.byId.get(e.id));
      const replay = matchExistingEvents(p.streamId, p.expectedVersion, p.events, found);
      if (replay) return this.result(p.streamId, replay, false);
    }
    checkExpectedVersion(p.streamId, p.expectedVersion, stream.length);
    if (p.events.length === 0) return this.result(p.streamId, [], false, stream);
    const recordedAt = Date.now();
    const written = p.events.map((e, i): StoredEvent => {
      const globalPosition = this.log.length + 1 + i;
      return {
        id: e.id,
        streamId: p.streamId,
        streamVersion: stream.length + 1 + i,
        globalPosition,
        checkpoint: checkpointOf(globalPosition),
        type: e.type,
        schemaVersion: e.schemaVersion,
        dataJson: e.dataJson,
        metadataJson: e.metadataJson,
        recordedAt,
      };
    });
    for (const e of written) {
      this.log.push(e);
      stream.push(e);
      this.byId.set(e.id, e);
    }
    this.streams.set(p.streamId, stream);
    return this.result(p.streamId, written, true);
  }

  /** `events`: the ones written or replayed; with none, the last event of `stream` gives the position. */
  private result(
    streamId: string,
    events: StoredEventRef[],
    written: boolean,
    stream?: StoredEvent[],
  ): AppendResult {
    const last = events[events.length - 1] ?? stream?.[stream.length - 1];
    return {
      streamId,
      nextExpectedVersion: last?.streamVersion ?? 0,
      globalPositions: events.map((e) => e.globalPosition),
      checkpoint: last?.checkpoint ?? '',
      globalPosition: last?.globalPosition ?? 0,
      written,
    };
  }

  private writeSideRows(p: PreparedAppend, r: AppendResult): void {
    const now = new Date();
    if (p.idempotency) {
      this.idempotency.set(p.idempotency.key, {
        key: p.idempotency.key,
        requestHash: p.idempotency.requestHash,
        streamId: p.streamId,
        responseJson: p.idempotency.responseJson,
        checkpoint: r.checkpoint,
        globalPosition: r.globalPosition,
        createdAt: now.getTime(),
      });
    }
    for (const m of p.outbox) {
      if (this.outbox.has(m.id)) continue;
      this.outbox.insert({
        id: m.id,
        kind: m.kind,
        streamId: p.streamId,
        dedupKey: m.dedupKey,
        payload: JSON.parse(m.payloadJson),
        state: 'pending',
        attempts: 0,
        availableAt: m.availableAt,
        leaseOwner: null,
        leaseExpiresAt: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
        completedAt: null,
      });
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const o = validateReadStream(options);
    const stream = this.streams.get(streamId) ?? [];
    if (o.direction === 'forward') {
      const from = Math.max(o.from ?? 1, 1);
      return stream.slice(from - 1, from - 1 + o.limit).map(toRecorded);
    }
    const from = Math.min(o.from ?? stream.length, stream.length);
    const out: RecordedEvent[] = [];
    for (let v = from; v >= 1 && out.length < o.limit; v--) out.push(toRecorded(stream[v - 1]!));
    return out;
  }

  async streamVersion(streamId: string): Promise<number> {
    validateStreamId(streamId);
    return this.streams.get(streamId)?.length ?? 0;
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const o = validateReadAll(options);
    const types = o.types ? new Set(o.types) : undefined;
    const out: RecordedEvent[] = [];
    // Positions are 1-based and dense, so `afterPosition` is also the index of the next event.
    for (let i = o.afterPosition; i < this.log.length && out.length < o.limit; i++) {
      const e = this.log[i]!;
      if (types && !types.has(e.type)) continue;
      if (o.streamPrefix !== undefined && !e.streamId.startsWith(o.streamPrefix)) continue;
      out.push(toRecorded(e));
    }
    return out;
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const sub = startSubscription({ readAll: (o) => this.readAll(o), notifier: this.notifier }, options);
    this.subscriptions.add(sub);
    void sub.done.then(
      () => this.subscriptions.delete(sub),
      () => this.subscriptions.delete(sub),
    );
    return sub;
  }

  async head(): Promise<StoreHead> {
    const last = this.log[this.log.length - 1];
    return { checkpoint: last?.checkpoint ?? '', globalPosition: last?.globalPosition ?? 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }

  async getIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    const r = this.idempotency.get(key);
    return r ? toRecord(r) : undefined;
  }

  async pruneIdempotency(before: Date): Promise<number> {
    let n = 0;
    for (const [key, r] of this.idempotency) {
      if (r.createdAt < before.getTime()) {
        this.idempotency.delete(key);
        n++;
      }
    }
    return n;
  }

  async loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    validateStreamId(streamId);
    const s = this.snapshots.get(streamId);
    return s
      ? { ...s.snapshot, state: JSON.parse(s.stateJson), takenAt: new Date(s.snapshot.takenAt) }
      : undefined;
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    const p = prepareSnapshot(snapshot);
    const current = this.snapshots.get(p.streamId)?.snapshot;
    // A slow writer must not replace a newer snapshot of the same shape with an older one.
    if (current && current.schemaVersion === p.schemaVersion && current.version > p.version) return;
    this.snapshots.set(p.streamId, {
      stateJson: p.stateJson,
      snapshot: {
        streamId: p.streamId,
        version: p.version,
        schemaVersion: p.schemaVersion,
        state: null,
        takenAt: p.takenAt,
      },
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new PaystreamError('PAY_STORE_UNAVAILABLE', 'event store is closed');
  }
}
