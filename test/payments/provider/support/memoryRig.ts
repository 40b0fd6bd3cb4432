/**
 * The provider flow on the memory store, for reconciler tests: event store, outbox, flow
 * (dispatcher, recorder, loader), the command service, and a reconciler over any provider
 * (the real one, or a wrapper that makes it fail in a chosen way).
 */
import { MemoryEventStore } from '../../../../src/eventsourcing/memory/memoryEventStore.js';
import { MemoryOutboxStore } from '../../../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { createPaymentCommandService } from '../../../../src/payments/commands/paymentCommandService.js';
import { createProviderFlow } from '../../../../src/payments/provider/flow.js';
import { MemoryWebhookInbox } from '../../../../src/payments/provider/inbox/webhookInbox.js';
import type { PaymentProvider } from '../../../../src/payments/provider/port.js';
import { Reconciler } from '../../../../src/payments/provider/reconciler.js';
import { StripeProvider } from '../../../../src/payments/provider/stripe/stripeProvider.js';

/** The StripeProvider adapter pointed at a simulator (or at an address nothing answers). */
export function stripeAt(apiKey: string, at: { host: string; port: number }): StripeProvider {
  return new StripeProvider({ apiKey, host: at.host, port: at.port, protocol: 'http', maxNetworkRetries: 0 });
}

export function memoryRig(provider: PaymentProvider) {
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
  const commands = createPaymentCommandService({ store, snapshots: store });
  const reconciler = (over: PaymentProvider = provider) =>
    new Reconciler({
      store,
      outbox,
      provider: over,
      policy: flow.policy,
      recorder: flow.recorder,
      loadPayment: flow.loadPayment,
    });
  return { store, outbox, flow, commands, reconciler };
}
