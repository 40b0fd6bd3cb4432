/**
 * Resilience around every provider call, composed with cockatiel's `wrap`:
 *   bulkhead → retry (exponential backoff with decorrelated jitter) → circuit breaker → timeout.
 * The retry sits outside the breaker so each try counts towards it, and an open breaker is not
 * retried (BrokenCircuitError is not handled by the retry). Retryable *results* (5xx, 429,
 * connection errors) and timeouts are retried; declines and permanent errors are answers, not
 * failures, so they neither retry nor trip the breaker.
 * Whatever escapes the policy (open breaker, full bulkhead, last timeout) comes back as a
 * `retryable` result: the caller treats all of them as "we do not know yet".
 */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhenResult,
  IsolatedCircuitError,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import type { Metrics } from '../../observability/metrics.js';
import type { ProviderResult } from './port.js';

export interface ProviderPolicyOptions {
  /** Tries per call, the first included. Default 3. */
  maxAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  /** Consecutive failures that open the breaker. */
  breakerThreshold?: number;
  halfOpenAfterMs?: number;
  /** Concurrent provider calls; more wait in a queue of `bulkheadQueue`. */
  bulkheadLimit?: number;
  bulkheadQueue?: number;
}

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ProviderPolicy {
  execute<T>(call: () => Promise<ProviderResult<T>>): Promise<ProviderResult<T>>;
  /** For /readyz: not ready while the breaker is open. */
  readiness(): ReadinessCheck;
  readonly breakerState: 'closed' | 'open' | 'half_open' | 'isolated';
}

const isRetryable = (r: unknown): boolean =>
  typeof r === 'object' && r !== null && (r as { outcome?: string }).outcome === 'retryable';

const STATE_NAMES: Record<CircuitState, ProviderPolicy['breakerState']> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

export function createProviderPolicy(options: ProviderPolicyOptions = {}, metrics?: Metrics): ProviderPolicy {
  const o = {
    maxAttempts: 3,
    initialDelayMs: 100,
    maxDelayMs: 2_000,
    timeoutMs: 10_000,
    breakerThreshold: 10,
    halfOpenAfterMs: 5_000,
    bulkheadLimit: 16,
    bulkheadQueue: 1_000,
    ...options,
  };
  const retryPolicy = retry(handleWhenResult(isRetryable).orType(TaskCancelledError), {
    maxAttempts: Math.max(0, o.maxAttempts - 1),
    backoff: new ExponentialBackoff({ initialDelay: o.initialDelayMs, maxDelay: o.maxDelayMs }),
  });
  const breaker = circuitBreaker(handleWhenResult(isRetryable).orType(TaskCancelledError), {
    halfOpenAfter: o.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(o.breakerThreshold),
  });
  const policy = wrap(
    bulkhead(o.bulkheadLimit, o.bulkheadQueue),
    retryPolicy,
    breaker,
    timeout(o.timeoutMs, TimeoutStrategy.Aggressive),
  );
  const publish = (s: CircuitState): void =>
    metrics?.circuitBreakerState.set({ breaker: 'provider' }, s === CircuitState.Closed ? 0 : 1);
  breaker.onStateChange(publish);
  publish(breaker.state);

  return {
    get breakerState() {
      return STATE_NAMES[breaker.state];
    },
    readiness() {
      const state = STATE_NAMES[breaker.state];
      return {
        name: 'provider',
        ok: state === 'closed' || state === 'half_open',
        detail: `circuit ${state}`,
      };
    },
    async execute<T>(call: () => Promise<ProviderResult<T>>): Promise<ProviderResult<T>> {
      try {
        // Per-call metrics (api_calls_total) are the provider adapter's; the policy adds the breaker gauge.
        return await policy.execute(() => call());
      } catch (e) {
        return escaped<T>(e);
      }
    },
  };
}

function escaped<T>(e: unknown): ProviderResult<T> {
  if (e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError) {
    return { outcome: 'retryable', reason: 'circuit open', status: null };
  }
  if (e instanceof BulkheadRejectedError)
    return { outcome: 'retryable', reason: 'bulkhead full', status: null };
  if (e instanceof TaskCancelledError) return { outcome: 'retryable', reason: 'timed out', status: null };
  // A provider adapter is supposed to return outcomes, not throw; an exception is unknown ground.
  return { outcome: 'retryable', reason: e instanceof Error ? e.message : String(e), status: null };
}
