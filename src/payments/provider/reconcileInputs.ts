/** The inputs of a reconciliation run: the provider's payments, the outbox by stream, and small helpers. */
import type { OutboxMessage, OutboxStore } from '../../eventsourcing/outbox/outboxStore.js';
import { PaystreamError } from '../../shared/errors.js';
import type { PaymentState } from '../domain/payment.js';
import type { ProviderPolicy } from './policy.js';
import type { PaymentProvider, ProviderPayment } from './port.js';
import {
  emptyCounts,
  type PaymentReconciledData,
  type ReconcileCounts,
  type ReconcileResult,
} from './reconcileRuns.js';
import { PAYMENT_ID_KEY } from './translator.js';

/** Provider payments created since `from`, by our payment id (or `provider:<id>` when they carry none). */
export async function providerIndex(
  provider: PaymentProvider,
  policy: ProviderPolicy,
  from: Date,
): Promise<Map<string, ProviderPayment>> {
  const out = new Map<string, ProviderPayment>();
  let startingAfter: string | undefined;
  for (;;) {
    const req = {
      createdGte: Math.floor(from.getTime() / 1000),
      limit: 100,
      ...(startingAfter ? { startingAfter } : {}),
    };
    const page = await policy.execute(() => provider.listPayments(req));
    // Without the full list, "the provider has nothing" could not be told apart from "not listed".
    if (page.outcome !== 'ok') {
      throw new PaystreamError('PAY_PROVIDER_UNAVAILABLE', `cannot list provider payments: ${page.outcome}`);
    }
    for (const p of page.value.data) out.set(p.metadata[PAYMENT_ID_KEY] ?? `provider:${p.id}`, p);
    if (!page.value.hasMore || page.value.data.length === 0) return out;
    startingAfter = page.value.data[page.value.data.length - 1]!.id;
  }
}

/** Outbox messages not done, by stream. */
export async function outboxByStream(outbox: OutboxStore): Promise<Map<string, OutboxMessage[]>> {
  const out = new Map<string, OutboxMessage[]>();
  for (const state of ['pending', 'leased', 'dead'] as const) {
    for (const m of await outbox.list({ state, limit: 1_000_000 })) {
      out.set(m.streamId, [...(out.get(m.streamId) ?? []), m]);
    }
  }
  return out;
}

/** An intent of ours the provider has not answered yet. */
export function hasOpenIntent(s: PaymentState): boolean {
  const open = s.status === 'pending' || s.status === 'processing';
  return (
    open ||
    s.pendingCapture !== null ||
    s.pendingCancel !== null ||
    s.refunds.some((r) => r.status === 'pending')
  );
}

export function countOf(items: Array<Omit<PaymentReconciledData, 'runId'>>): ReconcileCounts {
  const c = emptyCounts();
  const field: Record<ReconcileResult, keyof ReconcileCounts> = {
    matched: 'matched',
    corrected: 'corrected',
    local_only: 'localOnly',
    provider_only: 'providerOnly',
    conflicting: 'conflicting',
    in_flight: 'inFlight',
    error: 'errors',
  };
  for (const i of items) {
    c[field[i.result]] += 1;
    c.redriven += i.detail.filter((d) => d.startsWith('retried') || d.startsWith('re-enqueued')).length;
  }
  c.payments = items.length;
  return c;
}

/** Runs `fn` over `items` with at most `size` at once. */
export async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
