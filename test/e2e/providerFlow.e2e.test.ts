import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PaymentView } from '../../src/payments/views.js';
import { bearer, type Harness, startHarness, until, WEBHOOK_SECRET } from './support/harness.js';

describe('provider flow end to end (SQLite, HTTP, simulator, dispatcher, webhooks)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const post = (url: string, payload: object) =>
    h.app.inject({ method: 'POST', url, headers: bearer(h.key.write), payload });
  const get = async (id: string) =>
    (
      await h.app.inject({ method: 'GET', url: `/v1/payments/${id}`, headers: bearer(h.key.write) })
    ).json() as PaymentView;
  const settled = (id: string, ok: (v: PaymentView) => boolean, what: string) =>
    until(async () => {
      const v = await get(id);
      return ok(v) ? v : undefined;
    }, what);

  it('pm_card_visa succeeds within the HTTP wait, once at the provider', async () => {
    const res = await post('/v1/payments', { amount: 2500, currency: 'eur', payment_method: 'pm_card_visa' });
    assert.equal(res.statusCode, 201, res.body);
    const v = res.json() as PaymentView;
    assert.equal(v.status, 'succeeded');
    assert.equal(v.amount_captured, 2500);
    assert.equal(h.sim.capturesOf(v.provider_payment_id!), 1);
  });

  it('pm_card_chargeDeclined fails with its code', async () => {
    const res = await post('/v1/payments', {
      amount: 1200,
      currency: 'eur',
      payment_method: 'pm_card_chargeDeclined',
    });
    const v = res.json() as PaymentView;
    assert.equal(v.status, 'failed');
    assert.equal(v.failure_code, 'card_declined');
    assert.equal(v.decline_code, 'generic_decline');
  });

  it('a manual-capture payment is authorized, captured and refunded', async () => {
    const res = await post('/v1/payments', {
      amount: 5000,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      capture_method: 'manual',
    });
    const v = res.json() as PaymentView;
    assert.equal(v.status, 'requires_capture');
    assert.equal(v.amount_capturable, 5000);
    assert.equal((await post(`/v1/payments/${v.id}/capture`, { amount: 4000 })).statusCode, 200);
    const captured = await settled(v.id, (x) => x.status === 'succeeded', 'capture');
    assert.equal(captured.amount_captured, 4000);
    const refund = await post(`/v1/payments/${v.id}/refunds`, { amount: 1500 });
    assert.equal(refund.statusCode, 200, refund.body);
    const refunded = await settled(v.id, (x) => x.refunds.some((r) => r.status === 'succeeded'), 'refund');
    assert.equal(refunded.amount_refunded, 1500);
    assert.equal(refunded.amount_net, 2500);
    const truth = h.sim.intent(v.provider_payment_id!);
    assert.equal(truth?.payment_intent.amount_received, 4000);
    assert.deepEqual(
      truth?.refunds.map((r) => r.amount),
      [1500],
    );
  });

  it('the dashboard follows, webhooks arrived signed through the route, readiness shows the provider', async () => {
    const dash = (
      await h.app.inject({ method: 'GET', url: '/v1/dashboard', headers: bearer(h.key.write) })
    ).json() as {
      currencies: Array<{
        currency: string;
        count: number;
        succeeded: number;
        failed: number;
        amount_captured: number;
        amount_refunded: number;
      }>;
    };
    const eur = dash.currencies.find((c) => c.currency === 'eur');
    assert.deepEqual(
      {
        count: eur?.count,
        succeeded: eur?.succeeded,
        failed: eur?.failed,
        captured: eur?.amount_captured,
        refunded: eur?.amount_refunded,
      },
      { count: 3, succeeded: 2, failed: 1, captured: 2500 + 4000, refunded: 1500 },
    );
    const processed = await until(async () => {
      const n = (
        h.store.db
          .prepare('SELECT COUNT(*) AS n FROM webhook_inbox WHERE processed_at IS NOT NULL')
          .get() as { n: number }
      ).n;
      return n > 0 ? n : undefined;
    }, 'webhooks in the inbox');
    assert.ok(processed > 0);
    const text = await h.metrics.registry.metrics();
    assert.match(
      text,
      /payments_processed_total\{currency="eur",amount_range="1k_10k",status="succeeded"\} 2/,
    );
    assert.match(text, /payments_processed_total\{currency="eur",amount_range="1k_10k",status="failed"\} 1/);
    assert.match(
      text,
      /payment_processing_duration_seconds_count\{currency="eur",status="requires_capture"\} 1/,
    );
    assert.match(text, /provider_circuit_breaker_open\{breaker="provider"\} 0/);
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    assert.ok(ready.json().checks.some((c: { name: string; ok: boolean }) => c.name === 'provider' && c.ok));
    assert.ok(!h.logs.join('').includes(WEBHOOK_SECRET));
    const report = await h.app.inject({
      method: 'POST',
      url: '/v1/reconciliations',
      headers: bearer(h.key.admin),
      payload: {},
    });
    assert.equal(report.statusCode, 200, report.body);
    const counts = report.json().counts;
    assert.equal(counts.corrected + counts.conflicting + counts.localOnly, 0, 'nothing to reconcile');
    const runs = await h.app.inject({
      method: 'GET',
      url: '/v1/reconciliations',
      headers: bearer(h.key.admin),
    });
    assert.equal(runs.json().data[0].run_id, report.json().run_id);
    const dead = await h.app.inject({
      method: 'GET',
      url: '/v1/outbox?state=dead',
      headers: bearer(h.key.admin),
    });
    assert.deepEqual(dead.json().data, []);
  });
});
