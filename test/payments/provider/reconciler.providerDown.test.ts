import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { MemoryOutboxStore } from '../../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { createProviderFlow } from '../../../src/payments/provider/flow.js';
import { MemoryWebhookInbox } from '../../../src/payments/provider/inbox/webhookInbox.js';
import type { PaymentProvider } from '../../../src/payments/provider/port.js';
import { Reconciler } from '../../../src/payments/provider/reconciler.js';
import { StripeProvider } from '../../../src/payments/provider/stripe/stripeProvider.js';
import { ERROR_CATALOG } from '../../../src/shared/errorCatalog.js';
import { isPaystreamError } from '../../../src/shared/errors.js';
import { wrapProvider } from '../../support/wrapProvider.js';

describe('Reconciler when the provider cannot list its payments', () => {
  it('fails the run with PAY_PROVIDER_UNAVAILABLE (503), not an uncoded internal error', async () => {
    // Never called: listPayments is overridden and no payment is local.
    const real = new StripeProvider({
      apiKey: 'sk_test_unused',
      host: '127.0.0.1',
      port: 9,
      protocol: 'http',
    });
    const provider: PaymentProvider = wrapProvider(real, {
      listPayments: async () => ({ outcome: 'retryable', reason: 'provider down', status: 503 }),
    });
    const store = new MemoryEventStore();
    const outbox = new MemoryOutboxStore(store.outbox);
    const flow = createProviderFlow({
      store,
      outbox,
      inbox: new MemoryWebhookInbox(),
      provider,
      webhookSecret: 'whsec_unused',
      policy: { maxAttempts: 1 },
    });
    const reconciler = new Reconciler({
      store,
      outbox,
      provider,
      policy: flow.policy,
      recorder: flow.recorder,
      loadPayment: flow.loadPayment,
    });
    await assert.rejects(reconciler.reconcile(), (e: unknown) => {
      assert.ok(isPaystreamError(e), `a PaystreamError, got ${String(e)}`);
      assert.equal(e.code, 'PAY_PROVIDER_UNAVAILABLE');
      assert.equal(ERROR_CATALOG[e.code].status, 503);
      assert.match(e.message, /retryable/);
      return true;
    });
  });
});
