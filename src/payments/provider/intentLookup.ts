/**
 * Finding the provider's object of a payment whose create was never answered (a timeout: the
 * provider may have done it and only the answer was lost). Listed by our metadata
 * (`paystream_payment_id`) rather than by replaying the create: a replay with the same key would
 * create the payment if the first attempt never arrived, which is exactly what a cancel must avoid.
 */
import type { PaymentState } from '../domain/payment.js';
import type { ProviderPolicy } from './policy.js';
import type { PaymentProvider, ProviderPayment, ProviderResult } from './port.js';
import { PAYMENT_ID_KEY } from './translator.js';

/** Provider clocks and ours differ; an hour of slack is what reconciliation allows too. */
const CLOCK_SLACK_MS = 60 * 60 * 1000;

/** ok with null: the provider has no payment of ours (the whole list was read). */
export async function findProviderPayment(
  provider: PaymentProvider,
  policy: ProviderPolicy,
  state: PaymentState,
): Promise<ProviderResult<ProviderPayment | null>> {
  const createdGte = Math.floor((Date.parse(state.createdAt) - CLOCK_SLACK_MS) / 1000);
  let startingAfter: string | undefined;
  for (;;) {
    const req = { createdGte, limit: 100, ...(startingAfter ? { startingAfter } : {}) };
    const page = await policy.execute(() => provider.listPayments(req));
    if (page.outcome !== 'ok') return page;
    const found = page.value.data.find((p) => p.metadata[PAYMENT_ID_KEY] === state.paymentId);
    if (found) return { outcome: 'ok', value: found };
    if (!page.value.hasMore || page.value.data.length === 0) return { outcome: 'ok', value: null };
    startingAfter = page.value.data[page.value.data.length - 1]!.id;
  }
}
