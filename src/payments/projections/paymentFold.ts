/**
 * The database-independent half of the payments projection: fold a batch of events into the
 * touched payments (helper-3's evolve + toPaymentView), and the dashboard / time-series deltas
 * (new view minus old view of each touched payment). The adapters load and write rows.
 */
import type { RecordedEvent } from '../../eventsourcing/eventStore.js';
import { PAYMENT_EVENT_TYPES, PAYMENT_STREAM_PREFIX, type PaymentEvent } from '../domain/events.js';
import { evolve, type PaymentState, toPaymentView } from '../domain/payment.js';
import { paymentUpcasters } from '../domain/upcasters.js';
import type { PaymentView, TimeBucket } from '../views.js';

export const PAYMENTS_PROJECTION = 'payments';
/** Bump when the rows' meaning changes: status then reports a rebuild as due. */
export const PAYMENTS_PROJECTION_VERSION = 1;
export const PAYMENT_TABLES = ['payment_details', 'payment_dashboard', 'payment_timeseries'] as const;
export const BUCKETS: readonly TimeBucket[] = ['minute', 'hour', 'day'];
export const paymentProjectionMeta = {
  name: PAYMENTS_PROJECTION,
  version: PAYMENTS_PROJECTION_VERSION,
  eventTypes: PAYMENT_EVENT_TYPES,
  streamPrefix: PAYMENT_STREAM_PREFIX,
  tables: PAYMENT_TABLES,
  idsOf: touchedPaymentIds,
};

/** What the projection keeps per payment. */
export interface StoredPayment {
  state: PaymentState;
  version: number;
  view: PaymentView;
}

export interface Figures {
  count: number;
  succeeded: number;
  failed: number;
  amountCaptured: number;
  amountRefunded: number;
}

export interface DashboardDelta extends Figures {
  currency: string;
  lastPaymentAt: string | null;
  lastFailureAt: string | null;
}

export interface SeriesDelta extends Figures {
  bucket: TimeBucket;
  bucketStart: string;
  currency: string;
}

export interface FoldedBatch {
  /** Payments whose row changed, with their new content. */
  changed: StoredPayment[];
  dashboard: DashboardDelta[];
  series: SeriesDelta[];
}

export function paymentIdOf(event: RecordedEvent): string {
  return event.streamId.slice(PAYMENT_STREAM_PREFIX.length);
}

/** Distinct payment ids of a batch, to load their rows once. */
export function touchedPaymentIds(events: RecordedEvent[]): string[] {
  return [...new Set(events.map(paymentIdOf))];
}

/**
 * The touched payments that may already have a row: those whose first event in the batch is not
 * the stream's first (a stream at version 1 in this batch has no earlier event, so no row yet).
 * In a rebuild almost every payment starts inside its batch, so this skips nearly all lookups.
 */
export function paymentIdsToLoad(events: RecordedEvent[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of events) {
    const id = paymentIdOf(e);
    if (seen.has(id)) continue;
    seen.add(id);
    if (e.streamVersion > 1) out.push(id);
  }
  return out;
}

/** Folds the batch onto the loaded rows (absent = new payment). */
export function foldPayments(events: RecordedEvent[], loaded: Map<string, StoredPayment>): FoldedBatch {
  const before = new Map<string, PaymentView | undefined>();
  const current = new Map<string, { state: PaymentState | null; version: number }>();
  for (const event of events) {
    const id = paymentIdOf(event);
    let entry = current.get(id);
    if (!entry) {
      const row = loaded.get(id);
      before.set(id, row?.view);
      entry = { state: row?.state ?? null, version: row?.version ?? 0 };
      current.set(id, entry);
    }
    const upcast = paymentUpcasters.upcast(event);
    entry.state = evolve(entry.state, { type: upcast.type, data: upcast.data } as PaymentEvent);
    entry.version = event.streamVersion;
  }
  const changed: StoredPayment[] = [];
  const deltas = new DeltaCollector();
  for (const [id, entry] of current) {
    if (!entry.state) continue;
    const view = toPaymentView(entry.state, entry.version);
    changed.push({ state: entry.state, version: entry.version, view });
    deltas.add(before.get(id), view);
  }
  return { changed, dashboard: deltas.dashboard(), series: deltas.series() };
}

function figuresOf(v: PaymentView | undefined): Figures {
  if (!v) return { count: 0, succeeded: 0, failed: 0, amountCaptured: 0, amountRefunded: 0 };
  return {
    count: 1,
    succeeded: v.status === 'succeeded' ? 1 : 0,
    failed: v.status === 'failed' ? 1 : 0,
    amountCaptured: v.amount_captured,
    amountRefunded: v.amount_refunded,
  };
}

function addFigures(into: Figures, plus: Figures, minus: Figures): void {
  into.count += plus.count - minus.count;
  into.succeeded += plus.succeeded - minus.succeeded;
  into.failed += plus.failed - minus.failed;
  into.amountCaptured += plus.amountCaptured - minus.amountCaptured;
  into.amountRefunded += plus.amountRefunded - minus.amountRefunded;
}

const zero = (): Figures => ({ count: 0, succeeded: 0, failed: 0, amountCaptured: 0, amountRefunded: 0 });

/** Start of the bucket holding `iso`, as an ISO string. */
export function bucketStart(iso: string, bucket: TimeBucket): string {
  return truncateIso(isoTime(iso), bucket);
}

/** bucketStart of a time already in the canonical layout. */
function truncateIso(iso: string, bucket: TimeBucket): string {
  // ISO strings share one layout: truncate and pad rather than do date arithmetic.
  const cut = bucket === 'minute' ? 16 : bucket === 'hour' ? 13 : 10;
  const rest = bucket === 'minute' ? ':00.000Z' : bucket === 'hour' ? ':00:00.000Z' : 'T00:00:00.000Z';
  return iso.slice(0, cut) + rest;
}

class DeltaCollector {
  private readonly dash = new Map<string, DashboardDelta>();
  private readonly ser = new Map<string, SeriesDelta>();

  add(old: PaymentView | undefined, now: PaymentView): void {
    const plus = figuresOf(now);
    const minus = figuresOf(old);
    let d = this.dash.get(now.currency);
    if (!d) {
      d = { currency: now.currency, ...zero(), lastPaymentAt: null, lastFailureAt: null };
      this.dash.set(now.currency, d);
    }
    addFigures(d, plus, minus);
    d.lastPaymentAt = maxIso(d.lastPaymentAt, now.created);
    if (now.status === 'failed' && old?.status !== 'failed')
      d.lastFailureAt = maxIso(d.lastFailureAt, now.updated);
    // Normalised once for the three buckets (this runs once per touched payment).
    const created = isoTime(now.created);
    for (const bucket of BUCKETS) {
      const start = truncateIso(created, bucket);
      const key = `${bucket}|${start}|${now.currency}`;
      let s = this.ser.get(key);
      if (!s) {
        s = { bucket, bucketStart: start, currency: now.currency, ...zero() };
        this.ser.set(key, s);
      }
      addFigures(s, plus, minus);
    }
  }

  dashboard(): DashboardDelta[] {
    return [...this.dash.values()];
  }

  series(): SeriesDelta[] {
    return [...this.ser.values()].filter(
      (s) => s.count || s.succeeded || s.failed || s.amountCaptured || s.amountRefunded,
    );
  }
}

function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/** Normalises a caller's time to the stored ISO layout (throws on an invalid date). */
const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isoTime(t: string | Date): string {
  // The usual case (times written by toISOString) needs no Date round trip: rebuilds call this a lot.
  if (typeof t === 'string' && CANONICAL_ISO.test(t)) return t;
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) throw new RangeError(`invalid time ${String(t)}`);
  return d.toISOString();
}
