/**
 * Reconciliation: compares the provider's state with ours for payments still in flight or
 * touched recently, and for provider payments we do not know.
 *
 * Conflict policy (docs/reconciliation.md): the provider is the truth for money movement, the
 * event log for intent.
 * - provider ahead → corrective events (ordinary Record* steps, then ProviderStateCorrected); never edits;
 * - we are ahead (the provider never saw our intent, or its outbox message is dead) → re-drive the
 *   outbox with the original idempotency key, so a late original and the re-drive charge once;
 * - what no rule settles (provider captured more than asked, refunds made elsewhere, a provider
 *   payment we never asked for, money we think moved that the provider does not have) → a
 *   PaymentReconciled event with needsAttention, counted, never guessed.
 * Payments with outbox work pending or leased are skipped: the dispatcher is about to settle them.
 */
import { v7 as uuidv7 } from 'uuid';
import type { EventStore } from '../../eventsourcing/eventStore.js';
import type { OutboxMessage, OutboxStore } from '../../eventsourcing/outbox/outboxStore.js';
import type { Metrics } from '../../observability/metrics.js';
import { isPaystreamError } from '../../shared/errors.js';
import type { PaymentRecorder } from '../commands/paymentRecorder.js';
import { paymentStreamId } from '../domain/events.js';
import { outboxFor, type PaymentState } from '../domain/payment.js';
import { type LocalPayment, localPayments } from './localPayments.js';
import type { ProviderPolicy } from './policy.js';
import type { PaymentProvider, ProviderPayment } from './port.js';
import { countOf, hasOpenIntent, outboxByStream, pool, providerIndex } from './reconcileInputs.js';
import {
  type PaymentReconciledData,
  type ReconcileCounts,
  type ReconcileResult,
  type ReconcileRun,
  RunRecorder,
  recentRuns,
} from './reconcileRuns.js';
import { type PaymentLoader, recordAll } from './recording.js';
import { PAYMENT_ID_KEY, settle, truthOf } from './translator.js';

export interface ReconcilerDeps {
  store: EventStore;
  outbox: OutboxStore;
  provider: PaymentProvider;
  policy: ProviderPolicy;
  recorder: PaymentRecorder;
  loadPayment: PaymentLoader;
  metrics?: Metrics;
  now?: () => Date;
  /** Default look-back when `since` is not given: 24 h. */
  defaultWindowMs?: number;
  /** Payments compared at once; provider calls are also bounded by the policy's bulkhead. */
  concurrency?: number;
}

export interface ReconcileProgress {
  done: number;
  total: number;
}

export interface ReconcileReport {
  runId: string;
  since: string;
  startedAt: string;
  completedAt: string;
  counts: ReconcileCounts;
  /** Every payment that was not simply matched. */
  items: PaymentReconciledData[];
}

type Item = Omit<PaymentReconciledData, 'runId'>;

const LIVE = new Set(['pending', 'leased']);
/** The decider saying no to the provider's news: no retry will change that. */
const REFUSALS = new Set([
  'PAY_INVALID_TRANSITION',
  'PAY_INVALID_AMOUNT',
  'PAY_CAPTURE_EXCEEDS_AUTHORIZED',
  'PAY_REFUND_EXCEEDS_CAPTURED',
  'PAY_UNKNOWN_REFUND',
  'PAY_VALIDATION',
]);

export class Reconciler {
  private running: Promise<ReconcileReport> | null = null;

  constructor(private readonly d: ReconcilerDeps) {}

  /** One run at a time: a second caller shares the run in progress. */
  reconcile(
    options: { since?: Date; onProgress?: (p: ReconcileProgress) => void } = {},
  ): Promise<ReconcileReport> {
    this.running ??= this.run(options).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  recentRuns(limit = 20): Promise<ReconcileRun[]> {
    return recentRuns(this.d.store, limit);
  }

  private now(): Date {
    return this.d.now?.() ?? new Date();
  }

  private async run(o: {
    since?: Date;
    onProgress?: (p: ReconcileProgress) => void;
  }): Promise<ReconcileReport> {
    const startedAt = this.now();
    const since = o.since ?? new Date(startedAt.getTime() - (this.d.defaultWindowMs ?? 24 * 3_600_000));
    const runId = uuidv7();
    const runLog = new RunRecorder(this.d.store, runId);
    await runLog.started(since, startedAt);
    const locals = await localPayments(this.d.store, since);
    const oldest = locals.reduce((t, l) => Math.min(t, Date.parse(l.state.createdAt)), since.getTime());
    // An hour of slack: the provider stamps creation on its own clock, after our request.
    const index = await providerIndex(this.d.provider, this.d.policy, new Date(oldest - 3_600_000));
    const outbox = await outboxByStream(this.d.outbox);
    const known = new Set(locals.map((l) => l.paymentId));
    // Provider payments that are ours are compared with their local payment, not counted twice.
    const total = locals.length + [...index.keys()].filter((k) => !known.has(k)).length;
    let done = 0;
    const items: Item[] = [];
    const tick = (item: Item) => {
      items.push(item);
      done += 1;
      o.onProgress?.({ done, total });
    };
    await pool(locals, this.d.concurrency ?? 8, async (l) =>
      tick(await this.safely(l, () => this.one(l, index, outbox, runId))),
    );
    for (const [key, p] of index) tick(await this.providerOnly(key, p, known));
    const counts = countOf(items);
    // Matched payments are only counted, unless the run did something for them (a re-drive).
    const flagged = items
      .filter((i) => i.result !== 'matched' || i.detail.length > 0)
      .map((i) => ({ ...i, runId }));
    await runLog.items(flagged);
    const completedAt = this.now();
    await runLog.completed(counts, completedAt);
    return {
      runId,
      since: since.toISOString(),
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      counts,
      items: flagged,
    };
  }

  /**
   * One payment's failure never aborts the run: the decider refusing the provider's news is a
   * conflict for a person; anything else (store or provider trouble) is retried next run.
   */
  private async safely(l: LocalPayment, fn: () => Promise<Item>): Promise<Item> {
    try {
      return await fn();
    } catch (e) {
      const refused = isPaystreamError(e) && REFUSALS.has(e.code);
      const detail = [`${refused ? 'refused' : 'failed'}: ${e instanceof Error ? e.message : String(e)}`];
      const base = {
        paymentId: l.paymentId,
        providerPaymentId: l.state.providerPaymentId,
        eventsWritten: [],
        detail,
      };
      return refused
        ? { ...base, result: 'conflicting', needsAttention: true }
        : { ...base, result: 'error', needsAttention: false };
    }
  }

  private async one(
    l: LocalPayment,
    index: Map<string, ProviderPayment>,
    outbox: Map<string, OutboxMessage[]>,
    runId: string,
  ): Promise<Item> {
    const base = {
      paymentId: l.paymentId,
      providerPaymentId: l.state.providerPaymentId,
      needsAttention: false,
      detail: [],
      eventsWritten: [],
    };
    // Taken out of the index first: a payment of ours must never come back as provider-only.
    const listed = index.get(l.paymentId);
    index.delete(l.paymentId);
    const rows = outbox.get(paymentStreamId(l.paymentId)) ?? [];
    if (rows.some((m) => LIVE.has(m.state))) return { ...base, result: 'in_flight' };
    const ppid = l.state.providerPaymentId ?? listed?.id ?? null;
    if (!ppid) return this.localOnly(l, rows, runId);
    const [payment, refunds] = await Promise.all([
      this.d.policy.execute(() => this.d.provider.retrievePayment(ppid)),
      this.d.policy.execute(() => this.d.provider.listRefunds(ppid)),
    ]);
    // A provider object we were told about is gone (another account, a provider that lost its
    // state): no rule settles that, and re-creating it could charge elsewhere. A person looks.
    if (payment.outcome === 'permanent' && payment.status === 404) return this.providerLost(l, ppid);
    if (payment.outcome !== 'ok' || refunds.outcome !== 'ok') {
      return { ...base, result: 'error', detail: [`provider: ${payment.outcome}/${refunds.outcome}`] };
    }
    const state = await this.d.loadPayment(l.paymentId);
    if (!state) return { ...base, result: 'error', detail: ['payment vanished'] };
    return this.settleOne(state, truthOf(payment.value, refunds.value), rows, base);
  }

  private async settleOne(
    state: PaymentState,
    truth: ReturnType<typeof truthOf>,
    rows: OutboxMessage[],
    base: Omit<Item, 'result'>,
  ): Promise<Item> {
    const at = this.now().toISOString();
    const s = settle(state, truth, {
      source: 'reconciliation',
      at,
      reason: 'reconciliation',
      forwardOnly: false,
    });
    if (s.conflicts.length > 0)
      return { ...base, result: 'conflicting', needsAttention: true, detail: s.conflicts };
    const ctx = { actor: 'system:reconciler', correlationId: `reconcile:${base.paymentId}` };
    const observer = this.d.metrics
      ? { metrics: this.d.metrics, loadPayment: this.d.loadPayment }
      : undefined;
    const written = await recordAll(this.d.recorder, state.paymentId, s.commands, ctx, observer);
    const redriven = await this.retryDead(rows);
    // Re-driven work only makes us "ahead" when an intent of ours is still unanswered.
    const after = redriven.length > 0 ? await this.d.loadPayment(state.paymentId) : null;
    const ahead = after !== null && hasOpenIntent(after);
    const result: ReconcileResult = written.length > 0 ? 'corrected' : ahead ? 'local_only' : 'matched';
    return {
      ...base,
      providerPaymentId: truth.providerPaymentId,
      result,
      detail: redriven,
      eventsWritten: written,
    };
  }

  /** The provider has nothing for this payment. */
  private async localOnly(l: LocalPayment, rows: OutboxMessage[], runId: string): Promise<Item> {
    const base = {
      paymentId: l.paymentId,
      providerPaymentId: null,
      needsAttention: false,
      eventsWritten: [],
    };
    const { status } = l.state;
    if (status === 'failed' || status === 'canceled') return { ...base, result: 'matched', detail: [] };
    if (status !== 'pending' && status !== 'processing') {
      const detail = [`we hold it as ${status} but the provider has no such payment`];
      return { ...base, result: 'conflicting', needsAttention: true, detail };
    }
    const retried = await this.retryDead(rows);
    if (retried.length > 0) return { ...base, result: 'local_only', detail: retried };
    return { ...base, result: 'local_only', detail: [await this.reenqueueCreate(l, runId)] };
  }

  /** We know its provider id, and the provider answers that it has no such payment. */
  private providerLost(l: LocalPayment, ppid: string): Item {
    const base = { paymentId: l.paymentId, providerPaymentId: ppid, eventsWritten: [] };
    const { status } = l.state;
    if (status === 'failed' || status === 'canceled') {
      return { ...base, result: 'matched', needsAttention: false, detail: [] };
    }
    const detail = [
      `we hold it as ${status} (provider payment ${ppid}) but the provider has no such payment`,
    ];
    return { ...base, result: 'conflicting', needsAttention: true, detail };
  }

  private async retryDead(rows: OutboxMessage[]): Promise<string[]> {
    const out: string[] = [];
    for (const m of rows.filter((r) => r.state === 'dead')) {
      await this.d.outbox.retry(m.id);
      out.push(`retried dead letter ${m.id} (${m.kind}): ${m.lastError ?? ''}`);
    }
    return out;
  }

  /** Same provider idempotency key as the original create: if it did reach the provider, no second charge. */
  private async reenqueueCreate(l: LocalPayment, runId: string): Promise<string> {
    const streamId = paymentStreamId(l.paymentId);
    const requested = (await this.d.store.readStream(streamId, { limit: 1 }))[0];
    const [message] = outboxFor([{ id: l.requestedEventId, event: requested as never }], l.state);
    if (!message) return 'nothing to re-enqueue';
    const version = await this.d.store.streamVersion(streamId);
    const redrive = { ...message, dedupKey: `${message.dedupKey}:redrive:${runId}` };
    await this.d.store.append(streamId, [], { expectedVersion: version, outbox: [redrive] });
    return `re-enqueued ${message.kind}`;
  }

  private async providerOnly(key: string, p: ProviderPayment, known: Set<string>): Promise<Item> {
    const ours = p.metadata[PAYMENT_ID_KEY];
    const base = { providerPaymentId: p.id, eventsWritten: [] };
    // A terminal payment of ours outside the window: known to us, just not a candidate.
    if (ours && !known.has(ours) && (await this.d.loadPayment(ours))) {
      return { ...base, paymentId: ours, result: 'matched', needsAttention: false, detail: [] };
    }
    const detail = [
      `provider payment ${p.id} (${p.status}, ${p.amount} ${p.currency}) unknown here${key.startsWith('provider:') ? ', no paystream id' : ''}`,
    ];
    return { ...base, paymentId: ours ?? null, result: 'provider_only', needsAttention: true, detail };
  }
}
