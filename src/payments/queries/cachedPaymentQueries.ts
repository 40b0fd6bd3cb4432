/**
 * Read-through caching decorator for PaymentQueryService.
 *
 * What is cached: getPayment only, keyed by payment id (the cache adds its prefix), stored as
 * `{ v: view, c: checkpoint }` where `c` is the checkpoint the view is known to include ('' when
 * unknown). Unknown payments are not cached (a create would otherwise have to clear a negative
 * entry). Lists, dashboard, timeseries and history change with every write anywhere and would
 * need a broader invalidation signal, so they pass through; so does getPaymentAsOf (rare, and
 * served from events).
 *
 * Read-your-writes: a call with `minCheckpoint` is served from the cache only when the entry's
 * `c` is at or past it; otherwise it reads through (the inner service waits for the projection)
 * and refreshes the entry with `c = minCheckpoint`. It asks the inner service to reject
 * (`onTimeout: 'reject'`) rather than answer stale when it cannot reach minCheckpoint in time;
 * then the caller gets the read model's current view, uncached (or the PAY_TIMEOUT it asked for). (An entry passed over for being
 * too old still counts as a cache hit in the cache's stats: the cache cannot know.)
 *
 * Invalidation: the projector calls `invalidatePayments(ids)` (or `onProjectionChange`) after it
 * commits; the cache deletes the keys everywhere and tells other instances. A read that was in
 * flight when its key was invalidated (here or, through `onInvalidate`, elsewhere) does not
 * write its possibly older view back; the cache's grace-period tombstones cover the remaining
 * cross-instance window.
 */
import { type Cache, DEFAULT_TTL_SECONDS } from '../../eventsourcing/cache/cache.js';
import { compareCheckpoints } from '../../eventsourcing/eventStore.js';
import { isPaystreamError } from '../../shared/errors.js';
import type { PaymentQueryService, ReadOptions } from '../services.js';
import type {
  AuditEntry,
  DashboardView,
  PaymentList,
  PaymentListFilter,
  PaymentView,
  TimeBucket,
  TimeseriesPoint,
} from '../views.js';

export interface CachedPaymentView {
  v: PaymentView;
  c: string;
}

/** What the projector reports after committing a batch (helper-4's onChange payload). */
export interface ProjectionChange {
  projection?: string;
  paymentIds: readonly string[];
}

export interface CachedPaymentQueriesOptions {
  /** Entry TTL; default: 3600 s. */
  ttlSeconds?: number;
}

interface InflightRead {
  stale: boolean;
}

export class CachedPaymentQueries implements PaymentQueryService {
  private readonly ttlSeconds: number;
  private readonly inflight = new Map<string, Set<InflightRead>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly inner: PaymentQueryService,
    private readonly cache: Cache,
    options: CachedPaymentQueriesOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.unsubscribe = cache.onInvalidate((keys) => this.markStale(keys));
  }

  async getPayment(paymentId: string, options?: ReadOptions): Promise<PaymentView | undefined> {
    const min = options?.minCheckpoint;
    const entry = await this.cache.get<CachedPaymentView>(paymentId);
    if (entry && (!min || compareCheckpoints(entry.c, min) >= 0)) return entry.v;
    return this.readThrough(paymentId, options);
  }

  /** Deletes the payments' entries here and in every other instance sharing the cache. */
  async invalidatePayments(paymentIds: readonly string[]): Promise<void> {
    if (paymentIds.length === 0) return;
    this.markStale(paymentIds);
    await this.cache.delete(paymentIds);
  }

  /** Ready-made projector listener: `projector.onChange(queries.onProjectionChange)`. */
  readonly onProjectionChange = (change: ProjectionChange): Promise<void> =>
    this.invalidatePayments(change.paymentIds);

  /** Stops listening to the cache's invalidations; the cache itself belongs to the caller. */
  dispose(): void {
    this.unsubscribe();
  }

  getPaymentAsOf(paymentId: string, at: { version?: number; time?: Date }): Promise<PaymentView | undefined> {
    return this.inner.getPaymentAsOf(paymentId, at);
  }

  listPayments(filter: PaymentListFilter, options?: ReadOptions): Promise<PaymentList> {
    return this.inner.listPayments(filter, options);
  }

  getHistory(paymentId: string): Promise<AuditEntry[] | undefined> {
    return this.inner.getHistory(paymentId);
  }

  dashboard(options?: ReadOptions): Promise<DashboardView> {
    return this.inner.dashboard(options);
  }

  timeseries(
    bucket: TimeBucket,
    range?: { from?: Date; to?: Date; currency?: string },
  ): Promise<TimeseriesPoint[]> {
    return this.inner.timeseries(bucket, range);
  }

  private async readThrough(paymentId: string, options?: ReadOptions): Promise<PaymentView | undefined> {
    const read: InflightRead = { stale: false };
    const reads = this.inflight.get(paymentId) ?? new Set<InflightRead>();
    this.inflight.set(paymentId, reads);
    reads.add(read);
    try {
      const view = await this.readInner(paymentId, options);
      if (view === 'timed_out') {
        // The read model did not reach minCheckpoint in time: serve what it has, uncached,
        // so no view is ever labelled with a checkpoint it does not include.
        return this.inner.getPayment(paymentId);
      }
      if (view && !read.stale) {
        const entry: CachedPaymentView = { v: view, c: options?.minCheckpoint ?? '' };
        await this.cache.set(paymentId, entry, this.ttlSeconds);
      }
      return view;
    } finally {
      reads.delete(read);
      if (reads.size === 0) this.inflight.delete(paymentId);
    }
  }

  /** The inner read; with minCheckpoint it must reject rather than answer stale ('timed_out'). */
  private async readInner(
    paymentId: string,
    options?: ReadOptions,
  ): Promise<PaymentView | undefined | 'timed_out'> {
    if (!options?.minCheckpoint) return this.inner.getPayment(paymentId, options);
    try {
      return await this.inner.getPayment(paymentId, { ...options, onTimeout: 'reject' });
    } catch (e) {
      if (isPaystreamError(e) && e.code === 'PAY_TIMEOUT' && options.onTimeout !== 'reject')
        return 'timed_out';
      throw e;
    }
  }

  private markStale(paymentIds: readonly string[]): void {
    for (const id of paymentIds) {
      for (const read of this.inflight.get(id) ?? []) read.stale = true;
    }
  }
}
