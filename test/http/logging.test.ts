import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PaymentCommandService } from '../../src/payments/services.js';
import { auth, createStack, type Stack } from './support/stack.js';

const CARD = '4242424242424242';
const SPACED_CARD = '4000 0566 5566 5556';
const WEBHOOK_SECRET = 'whsec_TestSecretValue123';
const STRIPE_KEY = 'sk_live_51Habcdefghijklmnop';
const FAKE_KEY = `psk_${'a'.repeat(16)}_${'b'.repeat(64)}`;

describe('logs: one line per request, correlated, and free of secrets', () => {
  let s: Stack;
  before(async () => {
    // A command service that fails with secrets in its error, as a careless dependency might.
    const leaky = (inner: PaymentCommandService): PaymentCommandService => ({
      ...inner,
      createPayment: inner.createPayment.bind(inner),
      capturePayment: inner.capturePayment.bind(inner),
      refundPayment: inner.refundPayment.bind(inner),
      async cancelPayment() {
        throw new Error(`provider said no to card ${CARD} with key ${STRIPE_KEY} and ${WEBHOOK_SECRET}`);
      },
    });
    s = await createStack({ wrapCommands: leaky });
  });
  after(() => s.close());

  const lines = () => s.logs.map((l) => JSON.parse(l) as Record<string, unknown>);

  test('requests carrying secrets leave none of them in any log line', async () => {
    const secrets = [CARD, SPACED_CARD, WEBHOOK_SECRET, STRIPE_KEY, FAKE_KEY, s.key.write, s.key.read];
    const created = await s.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...auth(s.key.write), 'stripe-signature': `t=1,v1=${WEBHOOK_SECRET}` },
      payload: { amount: 1000, currency: 'usd', payment_method: CARD, description: SPACED_CARD },
    });
    assert.equal(created.statusCode, 202);
    const id = created.json().id;
    await s.app.inject({
      method: 'GET',
      url: `/v1/payments?customer=${FAKE_KEY}`,
      headers: auth(s.key.read),
    });
    await s.app.inject({ method: 'GET', url: '/v1/payments', headers: auth(FAKE_KEY) });
    await s.app.inject({ method: 'GET', url: `/nowhere/${CARD}`, headers: auth(s.key.read) });
    const failed = await s.app.inject({
      method: 'POST',
      url: `/v1/payments/${id}/cancel`,
      headers: auth(s.key.write),
    });
    assert.equal(failed.statusCode, 500);
    assert.equal(failed.json().code, 'PAY_INTERNAL');
    assert.ok(!failed.body.includes(CARD), 'the 500 body does not echo internals');

    const all = s.logs.join('');
    assert.ok(all.includes('request failed'), 'the failure was logged');
    for (const secret of secrets)
      assert.ok(!all.includes(secret), `log output contains ${secret.slice(0, 12)}…`);
    // Any standalone 13-19 digit run is card-shaped; digits inside hex ids (key, payment) are not.
    assert.ok(!/(?<![A-Za-z0-9])\d{13,19}(?![A-Za-z0-9])/.test(all), 'no card-shaped number anywhere');
  });

  test('one "request completed" line per request with method, route, status, duration, request id, key id', async () => {
    const before = s.logs.length;
    const res = await s.app.inject({
      method: 'GET',
      url: '/v1/payments?limit=5',
      headers: { ...auth(s.key.read), 'x-request-id': 'trace-abc-123' },
    });
    assert.equal(res.headers['x-request-id'], 'trace-abc-123');
    const mine = lines()
      .slice(before)
      .filter((l) => l.request_id === 'trace-abc-123');
    const done = mine.filter((l) => l.msg === 'request completed');
    assert.equal(done.length, 1);
    const reader = (await s.keys.listKeys()).find((k) => k.name === 'reader');
    assert.deepEqual(
      [done[0]!.method, done[0]!.route, done[0]!.status, done[0]!.key_id],
      ['GET', '/v1/payments', 200, reader?.id],
    );
    assert.equal(typeof done[0]!.duration_ms, 'number');
  });

  test('every line written during a request carries its request id', async () => {
    const before = s.logs.length;
    await s.app.inject({
      method: 'GET',
      url: '/v1/payments',
      headers: { ...auth(FAKE_KEY), 'x-request-id': 'trace-401' },
    });
    const fresh = lines().slice(before);
    assert.ok(fresh.length >= 2, 'the rejection and the completion are logged');
    assert.ok(fresh.every((l) => l.request_id === 'trace-401'));
  });

  test('a malformed X-Request-Id is replaced by a generated one', async () => {
    const res = await s.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });
});
