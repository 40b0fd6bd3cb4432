/** Refund, listing and event scenarios of the provider contract. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ProviderPayment } from '../port.js';
import { expectOk, expectPermanent, key, paymentRequest } from './contractHelpers.js';
import type { ProviderScenario } from './providerScenarios.js';

export const refundScenarios: ProviderScenario[] = [
  {
    name: 'partial then full refunds add up to the captured amount, and are listed and retrievable',
    async run({ provider }) {
      const p = expectOk(await provider.createPayment(paymentRequest({ amount: 1000 })));
      const meta = {
        paystream_payment_id: p.metadata.paystream_payment_id ?? '',
        paystream_refund_id: randomUUID(),
      };
      const partial = expectOk(
        await provider.refund({
          providerPaymentId: p.id,
          amount: 300,
          metadata: meta,
          idempotencyKey: key('re'),
        }),
      );
      assert.match(partial.id, /^re_/);
      assert.equal(partial.paymentId, p.id);
      assert.equal(partial.amount, 300);
      assert.equal(partial.status, 'succeeded');
      assert.deepEqual(partial.metadata, meta);
      const rest = expectOk(
        await provider.refund({
          providerPaymentId: p.id,
          reason: 'requested_by_customer',
          metadata: { ...meta, paystream_refund_id: randomUUID() },
          idempotencyKey: key('re'),
        }),
      );
      assert.equal(rest.amount, 700, 'a refund without amount takes what is left');
      assert.equal(rest.reason, 'requested_by_customer');
      const listed = expectOk(await provider.listRefunds(p.id));
      assert.deepEqual(listed.map((r) => r.id).sort(), [partial.id, rest.id].sort());
      assert.equal(
        listed.reduce((sum, r) => sum + r.amount, 0),
        1000,
      );
      assert.deepEqual(expectOk(await provider.retrieveRefund(partial.id)), partial);
    },
  },
  {
    name: 'a refund above the refundable amount is permanent, as is a refund of a refunded payment',
    async run({ provider }) {
      const p = expectOk(await provider.createPayment(paymentRequest({ amount: 1000 })));
      const meta = { paystream_payment_id: 'x', paystream_refund_id: randomUUID() };
      const over = expectPermanent(
        await provider.refund({
          providerPaymentId: p.id,
          amount: 1001,
          metadata: meta,
          idempotencyKey: key('re'),
        }),
      );
      assert.equal(over.status, 400);
      assert.equal(over.code, 'amount_too_large');
      expectOk(await provider.refund({ providerPaymentId: p.id, metadata: meta, idempotencyKey: key('re') }));
      const again = expectPermanent(
        await provider.refund({
          providerPaymentId: p.id,
          amount: 1,
          metadata: meta,
          idempotencyKey: key('re'),
        }),
      );
      assert.equal(again.code, 'charge_already_refunded');
      assert.deepEqual(expectOk(await provider.listRefunds(p.id)).length, 1);
    },
  },
  {
    name: 'refunding a partially captured payment is capped at the captured amount',
    async run({ provider }) {
      const p = expectOk(
        await provider.createPayment(paymentRequest({ amount: 1000, captureMethod: 'manual' })),
      );
      expectOk(await provider.capture(p.id, { amountToCapture: 400, idempotencyKey: key('cap') }));
      const meta = { paystream_payment_id: 'x', paystream_refund_id: randomUUID() };
      expectPermanent(
        await provider.refund({
          providerPaymentId: p.id,
          amount: 401,
          metadata: meta,
          idempotencyKey: key('re'),
        }),
      );
      const full = expectOk(
        await provider.refund({ providerPaymentId: p.id, metadata: meta, idempotencyKey: key('re') }),
      );
      assert.equal(full.amount, 400);
    },
  },
  {
    name: 'listPayments pages newest first with hasMore and startingAfter',
    async run({ provider }) {
      const made: ProviderPayment[] = [];
      for (let i = 0; i < 3; i++) made.push(expectOk(await provider.createPayment(paymentRequest())));
      const since = made[0]?.created ?? 0;
      const first = expectOk(await provider.listPayments({ createdGte: since, limit: 2 }));
      assert.equal(first.data.length, 2);
      assert.equal(first.hasMore, true);
      const ids = first.data.map((p) => p.id);
      const next = expectOk(
        await provider.listPayments({ createdGte: since, limit: 100, startingAfter: ids[1] }),
      );
      const all = [...ids, ...next.data.map((p) => p.id)];
      assert.equal(new Set(all).size, all.length, 'pages do not overlap');
      const mine = all.filter((id) => made.some((m) => m.id === id));
      assert.deepEqual(mine, made.map((m) => m.id).reverse(), 'newest first');
      assert.deepEqual(expectOk(await provider.retrievePayment(made[1]?.id ?? '')), made[1]);
    },
  },
  {
    name: 'listEvents shows the payment and refund events with their objects',
    async run({ provider }) {
      const p = expectOk(await provider.createPayment(paymentRequest()));
      const meta = { paystream_payment_id: 'x', paystream_refund_id: randomUUID() };
      const r = expectOk(
        await provider.refund({
          providerPaymentId: p.id,
          amount: 100,
          metadata: meta,
          idempotencyKey: key('re'),
        }),
      );
      const page = expectOk(await provider.listEvents({ createdGte: p.created, limit: 100 }));
      const succeeded = page.data.find(
        (e) =>
          e.type === 'payment_intent.succeeded' &&
          e.object.kind === 'payment' &&
          e.object.payment.id === p.id,
      );
      assert.ok(succeeded, 'payment_intent.succeeded for the payment');
      const created = page.data.find(
        (e) => e.type === 'refund.created' && e.object.kind === 'refund' && e.object.refund.id === r.id,
      );
      assert.ok(created, 'refund.created for the refund');
      assert.match(created.id, /^evt_/);
      const times = page.data.map((e) => e.created);
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        'newest first',
      );
      const older = expectOk(
        await provider.listEvents({ createdGte: p.created, limit: 1, startingAfter: page.data[0]?.id }),
      );
      assert.notEqual(older.data[0]?.id, page.data[0]?.id);
    },
  },
];
