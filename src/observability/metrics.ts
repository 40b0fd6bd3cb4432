/**
 * Every Prometheus metric paystream exposes, in one registry per process (prom-client).
 * Components take `metrics?: Metrics` and record through it; tests make their own registry.
 * Names follow the reference design: payments_processed_total, payment_processing_duration_seconds,
 * api_calls_total, api_call_duration_seconds (provider calls).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  paymentsProcessed: Counter<'currency' | 'amount_range' | 'status'>;
  paymentProcessingDuration: Histogram<'currency' | 'status'>;
  apiCalls: Counter<'operation' | 'status'>;
  apiCallDuration: Histogram<'operation'>;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  appendDuration: Histogram<'store'>;
  groupCommitBatchSize: Histogram<'store'>;
  projectionLagEvents: Gauge<'projection'>;
  projectionLagSeconds: Gauge<'projection'>;
  outboxDepth: Gauge<'state'>;
  outboxOldestAgeSeconds: Gauge;
  cacheHits: Counter<'cache'>;
  cacheMisses: Counter<'cache'>;
  cacheErrors: Counter<'cache'>;
  webhookSignatureFailures: Counter;
  webhooksReceived: Counter<'type' | 'result'>;
  reconciliationResults: Counter<'result'>;
  circuitBreakerState: Gauge<'breaker'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const r = [registry];
  return {
    registry,
    paymentsProcessed: new Counter({
      name: 'payments_processed_total',
      help: 'Payments that reached an outcome, by currency, amount range and final status',
      labelNames: ['currency', 'amount_range', 'status'],
      registers: r,
    }),
    paymentProcessingDuration: new Histogram({
      name: 'payment_processing_duration_seconds',
      help: 'Time from PaymentRequested to its outcome (succeeded, requires_capture, failed)',
      labelNames: ['currency', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: r,
    }),
    apiCalls: new Counter({
      name: 'api_calls_total',
      help: 'Calls to the payment provider, by operation and status (success, declined, retryable, permanent)',
      labelNames: ['operation', 'status'],
      registers: r,
    }),
    apiCallDuration: new Histogram({
      name: 'api_call_duration_seconds',
      help: 'Duration of calls to the payment provider',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: r,
    }),
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: r,
    }),
    appendDuration: new Histogram({
      name: 'eventstore_append_duration_seconds',
      help: 'Latency of one append, queueing and group commit included',
      labelNames: ['store'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: r,
    }),
    groupCommitBatchSize: new Histogram({
      name: 'eventstore_group_commit_batch_size',
      help: 'Appends committed together in one transaction',
      labelNames: ['store'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: r,
    }),
    projectionLagEvents: new Gauge({
      name: 'projection_lag_events',
      help: 'Events between the store head and the projection checkpoint',
      labelNames: ['projection'],
      registers: r,
    }),
    projectionLagSeconds: new Gauge({
      name: 'projection_lag_seconds',
      help: 'Age of the oldest event not yet applied by the projection',
      labelNames: ['projection'],
      registers: r,
    }),
    outboxDepth: new Gauge({
      name: 'outbox_depth',
      help: 'Outbox messages by state',
      labelNames: ['state'],
      registers: r,
    }),
    outboxOldestAgeSeconds: new Gauge({
      name: 'outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox message not yet delivered',
      registers: r,
    }),
    cacheHits: new Counter({
      name: 'cache_hits_total',
      help: 'Read-model cache hits',
      labelNames: ['cache'],
      registers: r,
    }),
    cacheMisses: new Counter({
      name: 'cache_misses_total',
      help: 'Read-model cache misses',
      labelNames: ['cache'],
      registers: r,
    }),
    cacheErrors: new Counter({
      name: 'cache_errors_total',
      help: 'Cache operations that failed and fell back to direct reads',
      labelNames: ['cache'],
      registers: r,
    }),
    webhookSignatureFailures: new Counter({
      name: 'webhook_signature_failures_total',
      help: 'Webhooks rejected for a bad, stale or missing signature',
      registers: r,
    }),
    webhooksReceived: new Counter({
      name: 'webhooks_received_total',
      help: 'Provider webhooks by type and result (applied, duplicate, ignored)',
      labelNames: ['type', 'result'],
      registers: r,
    }),
    reconciliationResults: new Counter({
      name: 'reconciliation_payments_total',
      help: 'Payments compared by reconciliation, by result',
      labelNames: ['result'],
      registers: r,
    }),
    circuitBreakerState: new Gauge({
      name: 'provider_circuit_breaker_open',
      help: '1 when the provider circuit breaker is open (or half-open), else 0',
      labelNames: ['breaker'],
      registers: r,
    }),
  };
}

/** Amount buckets for payments_processed_total, in minor units. */
export function amountRange(amount: number): string {
  if (amount < 1_000) return 'lt_1k';
  if (amount < 10_000) return '1k_10k';
  if (amount < 100_000) return '10k_100k';
  return 'gte_100k';
}
