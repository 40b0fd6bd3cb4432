import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createProviderPolicy } from '../../../src/payments/provider/policy.js';
import type { ProviderResult } from '../../../src/payments/provider/port.js';

const fast = { initialDelayMs: 1, maxDelayMs: 2 };
const unavailable: ProviderResult<string> = { outcome: 'retryable', reason: '503', status: 503 };

describe('provider policy', () => {
  it('retries retryable outcomes and returns the first answer', async () => {
    const p = createProviderPolicy({ ...fast, maxAttempts: 4 });
    let calls = 0;
    const r = await p.execute(async () => {
      calls += 1;
      return calls < 3 ? unavailable : { outcome: 'ok', value: 'pi_1' };
    });
    assert.deepEqual(r, { outcome: 'ok', value: 'pi_1' });
    assert.equal(calls, 3);
  });

  it('gives up after maxAttempts with a retryable outcome', async () => {
    const p = createProviderPolicy({ ...fast, maxAttempts: 3 });
    let calls = 0;
    const r = await p.execute(async () => {
      calls += 1;
      return unavailable;
    });
    assert.equal(r.outcome, 'retryable');
    assert.equal(calls, 3);
  });

  it('never retries a decline or a permanent error', async () => {
    const p = createProviderPolicy({ ...fast, maxAttempts: 5 });
    let calls = 0;
    const r = await p.execute<string>(async () => {
      calls += 1;
      return { outcome: 'permanent', code: 'parameter_invalid', message: 'bad', status: 400 };
    });
    assert.equal(r.outcome, 'permanent');
    assert.equal(calls, 1);
  });

  it('times a hung call out and reports it as retryable', async () => {
    const p = createProviderPolicy({ ...fast, maxAttempts: 2, timeoutMs: 20 });
    const never = new Promise<ProviderResult<string>>(() => {});
    const r = await p.execute(() => never);
    assert.deepEqual(r, { outcome: 'retryable', reason: 'timed out', status: null });
  });

  it('opens the breaker after consecutive failures: calls short-circuit, readiness and metric follow', async () => {
    const metrics = createMetrics();
    const p = createProviderPolicy(
      { ...fast, maxAttempts: 1, breakerThreshold: 3, halfOpenAfterMs: 60_000 },
      metrics,
    );
    assert.deepEqual(p.readiness(), { name: 'provider', ok: true, detail: 'circuit closed' });
    for (let i = 0; i < 3; i++) await p.execute(async () => unavailable);
    let called = false;
    const r = await p.execute(async () => {
      called = true;
      return { outcome: 'ok', value: 'x' };
    });
    assert.equal(called, false);
    assert.deepEqual(r, { outcome: 'retryable', reason: 'circuit open', status: null });
    assert.deepEqual(p.readiness(), { name: 'provider', ok: false, detail: 'circuit open' });
    assert.match(await metrics.registry.metrics(), /provider_circuit_breaker_open\{breaker="provider"\} 1/);
  });
});
