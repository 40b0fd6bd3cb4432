/** The provider contract's scenarios, shared by every run of providerContract. */
import assert from 'node:assert/strict';
import {
  DECLINE_CARDS,
  expectDeclined,
  expectOk,
  expectPermanent,
  key,
  paymentRequest,
} from './contractHelpers.js';
import type { ProviderUnderTest } from './providerContract.js';
import { refundScenarios } from './refundScenarios.js';

export interface ProviderScenario {
  name: string;
  run(sut: ProviderUnderTest): Promise<void>;
}

const payments: ProviderScenario[] = [
  {
    name: 'an automatic-capture payment with pm_card_visa succeeds and keeps the caller metadata',
    async run({ provider }) {
      const req = paymentRequest({ amount: 1234 });
      const p = expectOk(await provider.createPayment(req));
      assert.match(p.id, /^pi_/);
      assert.equal(p.status, 'succeeded');
      assert.equal(p.amount, 1234);
      assert.equal(p.amountReceived, 1234);
      assert.equal(p.amountCapturable, 0);
      assert.equal(p.currency, 'usd');
      assert.equal(p.captureMethod, 'automatic');
      assert.equal(p.lastError, null);
      assert.deepEqual(p.metadata, req.metadata);
    },
  },
  {
    name: 'pm_card_mastercard succeeds too',
    async run({ provider }) {
      const p = expectOk(
        await provider.createPayment(paymentRequest({ paymentMethod: 'pm_card_mastercard' })),
      );
      assert.equal(p.status, 'succeeded');
    },
  },
  {
    name: 'a manual-capture payment waits in requires_capture, then a full capture succeeds',
    async run({ provider, capturesOf }) {
      const p = expectOk(
        await provider.createPayment(paymentRequest({ amount: 2000, captureMethod: 'manual' })),
      );
      assert.equal(p.status, 'requires_capture');
      assert.equal(p.captureMethod, 'manual');
      assert.equal(p.amountCapturable, 2000);
      assert.equal(p.amountReceived, 0);
      const captured = expectOk(await provider.capture(p.id, { idempotencyKey: key('capture') }));
      assert.equal(captured.status, 'succeeded');
      assert.equal(captured.amountReceived, 2000);
      assert.equal(captured.amountCapturable, 0);
      if (capturesOf) assert.equal(await capturesOf(p.id), 1);
    },
  },
  {
    name: 'a partial capture takes amount_to_capture and releases the rest; a second capture is permanent',
    async run({ provider }) {
      const p = expectOk(
        await provider.createPayment(paymentRequest({ amount: 1000, captureMethod: 'manual' })),
      );
      const captured = expectOk(
        await provider.capture(p.id, { amountToCapture: 600, idempotencyKey: key('cap') }),
      );
      assert.equal(captured.status, 'succeeded');
      assert.equal(captured.amountReceived, 600);
      assert.equal(captured.amountCapturable, 0);
      const again = expectPermanent(await provider.capture(p.id, { idempotencyKey: key('cap2') }));
      assert.equal(again.code, 'payment_intent_unexpected_state');
      assert.equal(again.status, 400);
    },
  },
  {
    name: 'capturing more than the capturable amount is permanent and leaves the payment capturable',
    async run({ provider }) {
      const p = expectOk(
        await provider.createPayment(paymentRequest({ amount: 1000, captureMethod: 'manual' })),
      );
      const r = expectPermanent(
        await provider.capture(p.id, { amountToCapture: 1001, idempotencyKey: key('cap') }),
      );
      assert.equal(r.status, 400);
      const after = expectOk(await provider.retrievePayment(p.id));
      assert.equal(after.status, 'requires_capture');
      assert.equal(after.amountCapturable, 1000);
    },
  },
  {
    name: 'an authorised payment can be canceled with a reason; a succeeded one cannot',
    async run({ provider }) {
      const p = expectOk(await provider.createPayment(paymentRequest({ captureMethod: 'manual' })));
      const canceled = expectOk(
        await provider.cancel(p.id, { reason: 'requested_by_customer', idempotencyKey: key('cancel') }),
      );
      assert.equal(canceled.status, 'canceled');
      assert.equal(canceled.cancellationReason, 'requested_by_customer');
      assert.equal(canceled.amountCapturable, 0);
      const paid = expectOk(await provider.createPayment(paymentRequest()));
      const refused = expectPermanent(await provider.cancel(paid.id, { idempotencyKey: key('cancel2') }));
      assert.equal(refused.code, 'payment_intent_unexpected_state');
    },
  },
  ...DECLINE_CARDS.map(
    (card): ProviderScenario => ({
      name: `${card.paymentMethod} is declined with ${card.code}/${card.declineCode}`,
      async run({ provider, capturesOf }) {
        const r = expectDeclined(
          await provider.createPayment(paymentRequest({ paymentMethod: card.paymentMethod })),
        );
        assert.equal(r.failure.code, card.code);
        assert.equal(r.failure.declineCode, card.declineCode);
        assert.ok(r.failure.message.length > 0, 'a decline carries a message');
        assert.ok(r.payment, 'the declined PaymentIntent comes back');
        assert.equal(r.payment.status, 'requires_payment_method');
        assert.equal(r.payment.lastError?.code, card.code);
        assert.equal(r.payment.lastError?.declineCode, card.declineCode);
        assert.equal(r.payment.amountReceived, 0);
        if (capturesOf) assert.equal(await capturesOf(r.payment.id), 0);
      },
    }),
  ),
  {
    name: 'an unknown payment method is a permanent resource_missing',
    async run({ provider }) {
      const r = expectPermanent(
        await provider.createPayment(paymentRequest({ paymentMethod: 'pm_card_nope' })),
      );
      assert.equal(r.code, 'resource_missing');
      assert.equal(r.status, 400);
    },
  },
  {
    name: 'retrieving an unknown payment is a permanent 404',
    async run({ provider }) {
      const r = expectPermanent(await provider.retrievePayment('pi_doesnotexist'));
      assert.equal(r.status, 404);
      assert.equal(r.code, 'resource_missing');
    },
  },
];

const idempotency: ProviderScenario[] = [
  {
    name: 'the same idempotency key returns the same payment and charges once',
    async run({ provider, capturesOf }) {
      const req = paymentRequest();
      const first = expectOk(await provider.createPayment(req));
      const second = expectOk(await provider.createPayment(req));
      assert.equal(second.id, first.id);
      assert.deepEqual(second, first);
      const page = expectOk(await provider.listPayments({ createdGte: first.created, limit: 100 }));
      const mine = page.data.filter(
        (p) => p.metadata.paystream_payment_id === req.metadata.paystream_payment_id,
      );
      assert.equal(mine.length, 1, 'one PaymentIntent for one key');
      if (capturesOf) assert.equal(await capturesOf(first.id), 1);
    },
  },
  {
    name: 'a replayed capture does not capture twice',
    async run({ provider, capturesOf }) {
      const p = expectOk(await provider.createPayment(paymentRequest({ captureMethod: 'manual' })));
      const k = key('capture');
      const a = expectOk(await provider.capture(p.id, { amountToCapture: 500, idempotencyKey: k }));
      const b = expectOk(await provider.capture(p.id, { amountToCapture: 500, idempotencyKey: k }));
      assert.deepEqual(b, a);
      assert.equal(b.amountReceived, 500);
      if (capturesOf) assert.equal(await capturesOf(p.id), 1);
    },
  },
  {
    name: 'a replayed decline is the same decline of the same payment',
    async run({ provider }) {
      const req = paymentRequest({ paymentMethod: 'pm_card_chargeDeclined' });
      const a = expectDeclined(await provider.createPayment(req));
      const b = expectDeclined(await provider.createPayment(req));
      assert.equal(b.payment?.id, a.payment?.id);
      assert.deepEqual(b.failure, a.failure);
    },
  },
  {
    name: 'the same key with other parameters is permanent',
    async run({ provider }) {
      const req = paymentRequest();
      expectOk(await provider.createPayment(req));
      const r = expectPermanent(await provider.createPayment({ ...req, amount: req.amount + 1 }));
      assert.equal(r.status, 400);
    },
  },
];

export const PROVIDER_SCENARIOS: readonly ProviderScenario[] = [
  ...payments,
  ...idempotency,
  ...refundScenarios,
];
