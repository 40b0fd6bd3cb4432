/**
 * Runs one projection: subscribes to the store from the stored checkpoint and applies each batch
 * with its checkpoint in one transaction (ProjectionDb.applyBatch). The subscription reads every
 * event (not only the projection's types) so the checkpoint also moves over events it ignores and
 * the lag reaches 0 at the head.
 */
import type { Metrics } from '../../observability/metrics.js';
import type { EventStore, RecordedEvent, Subscription } from '../eventStore.js';
import { CheckpointWaiter } from './checkpointWaiter.js';
import {
  liveTarget,
  type Projection,
  type ProjectionDb,
  type ProjectionStatus,
  shadowName,
} from './projection.js';

export interface ProjectionChange {
  projection: string;
  /** Ids of the read-model entities the batch changed (for payments: payment ids). */
  ids: string[];
  /** The same as `ids`: the name the payments cache decorator reads. */
  paymentIds: string[];
  /** Checkpoint committed with the change. */
  checkpoint: string;
}
/** May return a promise: a rejection is caught (and ignored) so it never fails the projection. */
export type ChangeListener = (change: ProjectionChange) => void | Promise<void>;

/** Calls each listener; a throwing or rejecting listener does not stop the others. */
export function notifyListeners(listeners: Iterable<ChangeListener>, change: ProjectionChange): void {
  for (const l of listeners) {
    try {
      const r = l(change);
      if (r instanceof Promise) r.catch(() => {});
    } catch {
      // A listener (a cache) failing must not fail the projection; it reports its own errors.
    }
  }
}

export interface ProjectionState {
  name: string;
  status: ProjectionStatus;
  checkpoint: string;
  position: number;
  /** head.globalPosition - checkpoint position (>= 0). */
  lagEvents: number;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  lagSeconds: number;
  /** Version the code expects and the version the stored read model was built with. */
  version: number;
  storedVersion: number;
  /** True when the stored read model was built by another projection version. */
  rebuildDue: boolean;
  error: string | null;
  updatedAt: Date | null;
}

export interface ProjectorOptions<Tx> {
  store: EventStore;
  db: ProjectionDb<Tx>;
  projection: Projection<Tx>;
  /** Default 500. */
  batchSize?: number;
  metrics?: Metrics;
  waiter?: CheckpointWaiter;
  /**
   * After a failed batch the projector restarts from its checkpoint after `initialMs`, doubling
   * up to `maxMs` while it keeps failing (default 1 s .. 30 s); false: stay failed until start().
   */
  retry?: { initialMs?: number; maxMs?: number } | false;
}

export class Projector<Tx> {
  readonly name: string;
  readonly waiter: CheckpointWaiter;
  private subscription: Subscription | undefined;
  private readonly listeners = new Set<ChangeListener>();
  private state: ProjectionStatus = 'stopped';
  private lastError: string | null = null;
  private failing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 0;

  constructor(private readonly o: ProjectorOptions<Tx>) {
    this.name = o.projection.name;
    this.waiter =
      o.waiter ??
      new CheckpointWaiter({
        readCheckpoint: async (n) => (await o.db.getCheckpoint(n))?.checkpoint ?? '',
      });
  }

  get projection(): Projection<Tx> {
    return this.o.projection;
  }

  /** Listens to committed batches; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts from the stored checkpoint; resolves once the first catch-up reached the head. */
  async start(): Promise<void> {
    if (this.subscription) return;
    const p = this.o.projection;
    const stored = await this.o.db.getCheckpoint(p.name);
    await this.o.db.setStatus(p.name, 'running', stored?.version || p.version);
    this.state = 'running';
    this.lastError = null;
    const sub = this.o.store.subscribe({
      after: stored?.checkpoint ?? '',
      batchSize: this.o.batchSize ?? 500,
      batchHandler: (events) => this.handle(events),
    });
    this.subscription = sub;
    sub.done.catch((e: unknown) => {
      this.failing = this.fail(e);
    });
    await Promise.race([sub.caughtUp, sub.done]).catch(() => {});
    await this.failing;
  }

  async stop(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const sub = this.subscription;
    if (!sub) return;
    this.subscription = undefined;
    await sub.stop();
    if (this.state !== 'failed') {
      this.state = 'stopped';
      const stored = await this.o.db.getCheckpoint(this.name);
      await this.o.db.setStatus(this.name, 'stopped', stored?.version ?? this.o.projection.version);
    }
  }

  get running(): boolean {
    return this.state === 'running';
  }

  waitForCheckpoint(minCheckpoint: string, timeoutMs = 2000): Promise<boolean> {
    return this.waiter.waitForCheckpoint(this.name, minCheckpoint, timeoutMs);
  }

  async status(): Promise<ProjectionState> {
    const p = this.o.projection;
    const [stored, shadow] = await Promise.all([
      this.o.db.getCheckpoint(p.name),
      this.o.db.getCheckpoint(shadowName(p.name)),
    ]);
    const checkpoint = stored?.checkpoint ?? '';
    const position = stored?.position ?? 0;
    const lag = await measureLag(this.o.store, checkpoint, position);
    this.o.metrics?.projectionLagEvents.set({ projection: p.name }, lag.events);
    this.o.metrics?.projectionLagSeconds.set({ projection: p.name }, lag.seconds);
    const status = this.currentStatus(shadow !== undefined, stored?.status);
    const storedVersion = stored?.version ?? 0;
    return {
      name: p.name,
      status,
      checkpoint,
      position,
      lagEvents: lag.events,
      lagSeconds: lag.seconds,
      version: p.version,
      storedVersion,
      rebuildDue: storedVersion !== 0 && storedVersion !== p.version,
      error: this.lastError ?? stored?.error ?? null,
      updatedAt: stored?.updatedAt ?? null,
    };
  }

  private currentStatus(rebuilding: boolean, stored: ProjectionStatus | undefined): ProjectionStatus {
    if (rebuilding) return 'rebuilding';
    if (this.subscription || this.state === 'failed') return this.state;
    // Not run by this process: trust the row unless it claims 'running' (we cannot tell if it is).
    return stored === 'failed' ? 'failed' : stored === 'running' ? 'running' : 'stopped';
  }

  private async handle(events: RecordedEvent[]): Promise<void> {
    const p = this.o.projection;
    const result = await this.o.db.applyBatch(p, liveTarget(p, 'running'), events);
    this.retryDelayMs = 0;
    this.waiter.advanced(p.name, result.checkpoint);
    if (result.ids.length > 0) {
      const change = {
        projection: p.name,
        ids: result.ids,
        paymentIds: result.ids,
        checkpoint: result.checkpoint,
      };
      notifyListeners(this.listeners, change);
    }
    if (this.o.metrics) {
      const head = await this.o.store.head();
      this.o.metrics.projectionLagEvents.set(
        { projection: p.name },
        Math.max(0, head.globalPosition - result.position),
      );
      if (result.checkpoint >= head.checkpoint)
        this.o.metrics.projectionLagSeconds.set({ projection: p.name }, 0);
    }
  }

  private async fail(e: unknown): Promise<void> {
    this.state = 'failed';
    this.lastError = e instanceof Error ? e.message : String(e);
    this.subscription = undefined;
    await this.o.db.setStatus(this.name, 'failed', this.o.projection.version, this.lastError).catch(() => {});
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const retry = this.o.retry ?? {};
    if (retry === false) return;
    const max = retry.maxMs ?? 30_000;
    this.retryDelayMs = Math.min(max, this.retryDelayMs ? this.retryDelayMs * 2 : (retry.initialMs ?? 1000));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.state === 'failed') void this.start().catch(() => this.scheduleRetry());
    }, this.retryDelayMs);
    // A projector waiting to retry must not keep a finished process alive.
    this.retryTimer.unref();
  }
}

export async function measureLag(
  store: EventStore,
  checkpoint: string,
  position: number,
): Promise<{ events: number; seconds: number }> {
  const head = await store.head();
  if (head.checkpoint <= checkpoint) return { events: 0, seconds: 0 };
  const [oldest] = await store.readAll({ after: checkpoint, limit: 1 });
  const seconds = oldest ? Math.max(0, (Date.now() - oldest.recordedAt.getTime()) / 1000) : 0;
  return { events: Math.max(0, head.globalPosition - position), seconds };
}
