/**
 * The provider flow assembled: resilience policy, outbox dispatcher with the payment handlers,
 * webhook receiver with its inbox, and the readiness check for /readyz. The composition root
 * (main.ts) builds one and starts it in the worker role; tests build one per case.
 */
import type { EventStore, IdempotencyStore, SnapshotStore } from '../../eventsourcing/eventStore.js';
import { type DispatcherLogger, OutboxDispatcher } from '../../eventsourcing/outbox/dispatcher.js';
import { startOutboxGauges } from '../../eventsourcing/outbox/gauges.js';
import type { OutboxStore } from '../../eventsourcing/outbox/outboxStore.js';
import type { Metrics } from '../../observability/metrics.js';
import { PaymentRecorder } from '../commands/paymentRecorder.js';
import { paymentHandlers } from './handlers.js';
import type { WebhookInbox } from './inbox/webhookInbox.js';
import {
  createProviderPolicy,
  type ProviderPolicy,
  type ProviderPolicyOptions,
  type ReadinessCheck,
} from './policy.js';
import type { PaymentProvider } from './port.js';
import { type PaymentLoader, paymentLoader } from './recording.js';
import { StripeWebhookReceiver } from './webhookReceiver.js';

export interface ProviderFlowOptions {
  store: EventStore & IdempotencyStore & Partial<SnapshotStore>;
  outbox: OutboxStore;
  inbox: WebhookInbox;
  provider: PaymentProvider;
  webhookSecret: string;
  metrics?: Metrics;
  logger?: DispatcherLogger;
  policy?: ProviderPolicyOptions;
  dispatcher?: {
    maxAttempts?: number;
    pollIntervalMs?: number;
    batchSize?: number;
    leaseMs?: number;
    backoff?: { baseMs: number; maxMs: number };
    /** Wake only on commits of these event types (the ones that write provider work). */
    wakeOnTypes?: string[];
  };
}

export interface ProviderFlow {
  policy: ProviderPolicy;
  recorder: PaymentRecorder;
  loadPayment: PaymentLoader;
  dispatcher: OutboxDispatcher;
  webhooks: StripeWebhookReceiver;
  outbox: OutboxStore;
  /** For AppDeps.readinessChecks: not ready while the provider breaker is open. */
  readiness: () => Promise<ReadinessCheck>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createProviderFlow(o: ProviderFlowOptions): ProviderFlow {
  const snapshots = o.store.loadSnapshot && o.store.saveSnapshot ? (o.store as SnapshotStore) : undefined;
  const deps = { store: o.store, ...(snapshots ? { snapshots } : {}) };
  const recorder = new PaymentRecorder(deps);
  const loadPayment = paymentLoader(o.store, snapshots);
  const policy = createProviderPolicy(o.policy, o.metrics);
  const handlers = paymentHandlers({
    provider: o.provider,
    policy,
    recorder,
    loadPayment,
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
  const dispatcher = new OutboxDispatcher({
    store: o.outbox,
    leaseMs: leaseFor(o.policy),
    handlers,
    wakeOn: o.store,
    // The events outboxFor turns into provider work.
    wakeOnTypes: ['PaymentRequested', 'PaymentCaptureRequested', 'PaymentCancelRequested', 'RefundRequested'],
    ...(o.logger ? { logger: o.logger } : {}),
    ...o.dispatcher,
  });
  const webhooks = new StripeWebhookReceiver({
    secret: o.webhookSecret,
    inbox: o.inbox,
    provider: o.provider,
    policy,
    recorder,
    loadPayment,
    ...(o.metrics ? { metrics: o.metrics } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
  let stopGauges: (() => void) | null = null;
  return {
    policy,
    recorder,
    loadPayment,
    dispatcher,
    webhooks,
    outbox: o.outbox,
    readiness: async () => policy.readiness(),
    async start() {
      if (o.metrics) stopGauges = startOutboxGauges(o.outbox, o.metrics);
      await dispatcher.start();
    },
    async stop() {
      stopGauges?.();
      await dispatcher.stop();
    },
  };
}

/**
 * A lease must outlive one handler run — every try of the policy timing out, plus the backoff
 * between them — or a second dispatcher takes the message while the first still works on it
 * (harmless thanks to the idempotency key, but a wasted call). Doubled for the recording around it.
 */
export function leaseFor(p: ProviderPolicyOptions = {}): number {
  const tries = p.maxAttempts ?? 3;
  return Math.max(60_000, 2 * (tries * (p.timeoutMs ?? 10_000) + (tries - 1) * (p.maxDelayMs ?? 2_000)));
}
