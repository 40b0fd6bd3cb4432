import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PaymentRecorder } from '../../src/payments/commands/paymentRecorder.js';
import type { PaymentCommandService } from '../../src/payments/services.js';
import { auth, createStack, type Stack, SYSTEM } from './support/stack.js';

/**
 * POST /v1/payments waits (config api.paymentWaitMs) for the outcome. The provider flow is stood
 * in for by a wrapper that records the outcome shortly after the create, as the dispatcher would.
 */
type Outcome = 'capture' | 'decline' | 'authorize' | 'none';

describe('POST /v1/payments waits for the outcome', () => {
  let s: Stack;
  const outcomes = new Map<string, Outcome>();

  before(async () => {
    const provider = (inner: PaymentCommandService, recorder: PaymentRecorder): PaymentCommandService => ({
      capturePayment: inner.capturePayment.bind(inner),
      cancelPayment: inner.cancelPayment.bind(inner),
      refundPayment: inner.refundPayment.bind(inner),
      async createPayment(input, ctx) {
        const result = await inner.createPayment(input, ctx);
        const outcome = outcomes.get(input.paymentMethod) ?? 'none';
        setTimeout(() => void record(recorder, result.paymentId, input.amount, outcome), 30);
        return result;
      },
    });
    s = await createStack({ config: { api: { paymentWaitMs: 3000 } }, wrapCommands: provider });
  });
  after(() => s.close());

  async function record(
    recorder: PaymentRecorder,
    id: string,
    amount: number,
    outcome: Outcome,
  ): Promise<void> {
    const pi = `pi_${id}`;
    if (outcome === 'capture') await recorder.recordCapture(id, { providerPaymentId: pi, amount }, SYSTEM);
    if (outcome === 'authorize') {
      await recorder.recordAuthorization(id, { providerPaymentId: pi, amountAuthorized: amount }, SYSTEM);
    }
    if (outcome === 'decline') {
      const failure = { providerPaymentId: pi, code: 'card_declined', declineCode: 'insufficient_funds' };
      await recorder.recordFailure(id, { ...failure, message: 'Your card has insufficient funds.' }, SYSTEM);
    }
  }

  const create = (payment_method: string, capture_method = 'automatic') =>
    s.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: auth(s.key.write),
      payload: { amount: 1200, currency: 'usd', payment_method, capture_method },
    });

  test('201 with status succeeded once the capture is recorded', async () => {
    outcomes.set('pm_ok', 'capture');
    const res = await create('pm_ok');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().status, 'succeeded');
    assert.equal(res.json().amount_captured, 1200);
  });

  test('a decline is 201 with status failed and the failure code, not an error', async () => {
    outcomes.set('pm_declined', 'decline');
    const res = await create('pm_declined');
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(
      [res.json().status, res.json().failure_code, res.json().decline_code],
      ['failed', 'card_declined', 'insufficient_funds'],
    );
  });

  test('manual capture: 201 with requires_capture once authorized', async () => {
    outcomes.set('pm_manual', 'authorize');
    const res = await create('pm_manual', 'manual');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().status, 'requires_capture');
  });
});

describe('POST /v1/payments without an outcome in time', () => {
  let s: Stack;
  before(async () => {
    s = await createStack({ config: { api: { paymentWaitMs: 60 } } });
  });
  after(() => s.close());

  test('202 with the pending payment once the wait ends', async () => {
    const started = Date.now();
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: auth(s.key.write),
      payload: { amount: 1200, currency: 'usd', payment_method: 'pm_slow' },
    });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json().status, 'pending');
    assert.ok(Date.now() - started >= 60, 'it waited the configured time');
  });
});
