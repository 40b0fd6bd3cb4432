import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { EventSourcedPaymentCommandService } from '../../../src/payments/commands/paymentCommandService.js';
import { PaymentRecorder } from '../../../src/payments/commands/paymentRecorder.js';
import { canonicalJson, requestHash } from '../../../src/payments/commands/requestHash.js';
import type { CommandContext, CreatePaymentInput } from '../../../src/payments/services.js';

const ctx: CommandContext = { actor: 'key_live_1', correlationId: 'req-1' };
const system: CommandContext = { actor: 'system:dispatcher', correlationId: 'job-1' };
const input: CreatePaymentInput = {
  amount: 1234,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  metadata: { order: '7' },
};

function setup() {
  const store = new MemoryEventStore();
  const deps = { store, snapshots: store, now: () => new Date('2026-03-01T10:00:00.000Z') };
  return { store, service: new EventSourcedPaymentCommandService(deps), recorder: new PaymentRecorder(deps) };
}

describe('createPayment', () => {
  test('records PaymentRequested with metadata and a create_payment outbox row keyed by the event id', async () => {
    const { store, service } = setup();
    const r = await service.createPayment(input, { ...ctx, causationId: 'cause-9' });
    assert.match(r.paymentId, /^pay_[0-9a-f]{32}$/);
    const [e] = await store.readStream(`payment-${r.paymentId}`);
    assert.equal(e?.type, 'PaymentRequested');
    assert.deepEqual(e?.metadata, { correlationId: 'req-1', causationId: 'cause-9', actor: 'key_live_1' });
    assert.deepEqual(
      [
        e?.schemaVersion,
        (e?.data as { currency?: string } | undefined)?.currency,
        (e?.data as { requestedAt?: string } | undefined)?.requestedAt,
      ],
      [2, 'eur', '2026-03-01T10:00:00.000Z'],
    );
    assert.deepEqual(
      [r.version, r.checkpoint, r.globalPosition, r.replayed],
      [1, e?.checkpoint, e?.globalPosition, false],
    );
    const [m] = store.outbox.all();
    assert.deepEqual([m?.kind, m?.dedupKey], ['provider.create_payment', `provider.create_payment:${e?.id}`]);
    assert.deepEqual(m?.payload, {
      paymentId: r.paymentId,
      providerPaymentId: null,
      currency: 'eur',
      paymentMethod: 'pm_card_visa',
      captureMethod: 'automatic',
      customer: null,
      description: null,
      metadata: { order: '7' },
      amount: 1234,
      idempotencyKey: e?.id,
    });
  });

  test('bad input is a typed error and writes nothing', async () => {
    const { store, service } = setup();
    const cases: [Partial<CreatePaymentInput>, string][] = [
      [{ amount: 0 }, 'PAY_INVALID_AMOUNT'],
      [{ amount: 12.5 }, 'PAY_INVALID_AMOUNT'],
      [{ currency: 'EURO' }, 'PAY_INVALID_CURRENCY'],
      [{ currency: 'kwd', amount: 1001 }, 'PAY_INVALID_AMOUNT'],
      [{ paymentMethod: '' }, 'PAY_VALIDATION'],
      [{ captureMethod: 'later' as never }, 'PAY_VALIDATION'],
      [{ metadata: { k: 1 as never } }, 'PAY_VALIDATION'],
    ];
    for (const [over, code] of cases) {
      await assert.rejects(service.createPayment({ ...input, ...over }, ctx), { code }, JSON.stringify(over));
    }
    assert.equal((await store.head()).globalPosition, 0);
    assert.equal(store.outbox.size, 0);
  });
});

describe('idempotency keys', () => {
  test('a retry with the same key and body replays the first result', async () => {
    const { store, service } = setup();
    const k = { ...ctx, idempotencyKey: 'idem-1' };
    const first = await service.createPayment(input, k);
    const again = await service.createPayment(
      { metadata: { order: '7' }, paymentMethod: 'pm_card_visa', currency: 'eur', amount: 1234 },
      k,
    );
    assert.deepEqual(again, { ...first, replayed: true });
    assert.equal((await store.head()).globalPosition, 1);
  });

  test('the same key with another body is PAY_IDEMPOTENCY_MISMATCH; keys are scoped by actor', async () => {
    const { store, service } = setup();
    await service.createPayment(input, { ...ctx, idempotencyKey: 'idem-1' });
    await assert.rejects(
      service.createPayment({ ...input, amount: 999 }, { ...ctx, idempotencyKey: 'idem-1' }),
      {
        code: 'PAY_IDEMPOTENCY_MISMATCH',
      },
    );
    const other = await service.createPayment(input, {
      ...ctx,
      actor: 'key_live_2',
      idempotencyKey: 'idem-1',
    });
    assert.equal(other.replayed, false);
    assert.equal((await store.head()).globalPosition, 2);
  });

  test('concurrent duplicates create exactly one payment', async () => {
    const { store, service } = setup();
    const k = { ...ctx, idempotencyKey: 'idem-race' };
    const results = await Promise.all(Array.from({ length: 12 }, () => service.createPayment(input, k)));
    assert.equal(new Set(results.map((r) => r.paymentId)).size, 1);
    assert.equal(results.filter((r) => !r.replayed).length, 1);
    assert.equal((await store.head()).globalPosition, 1);
    assert.equal(store.outbox.size, 1);
  });

  test('the request hash ignores key order', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }),
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    assert.equal(requestHash('op', 'p', { a: 1, b: 2 }), requestHash('op', 'p', { b: 2, a: 1 }));
    assert.notEqual(requestHash('op', 'p', { a: 1 }), requestHash('op2', 'p', { a: 1 }));
  });
});

describe('capture, refund and cancel with provider outcomes', () => {
  test('manual capture then partial refunds; duplicate outcomes write nothing', async () => {
    const { store, service, recorder } = setup();
    const { paymentId } = await service.createPayment({ ...input, captureMethod: 'manual' }, ctx);
    await recorder.recordSubmission(paymentId, { providerPaymentId: 'pi_1' }, system);
    await recorder.recordAuthorization(
      paymentId,
      { providerPaymentId: 'pi_1', amountAuthorized: 1234 },
      system,
    );
    const cap = await service.capturePayment(paymentId, { amount: 1000 }, ctx);
    assert.equal(cap.version, 4);
    const captured = await recorder.recordCapture(
      paymentId,
      { providerPaymentId: 'pi_1', amount: 1000 },
      system,
    );
    const dup = await recorder.recordCapture(paymentId, { providerPaymentId: 'pi_1', amount: 1000 }, system);
    assert.deepEqual([captured.eventTypes, dup.eventTypes, dup.version], [['PaymentCaptured'], [], 5]);
    const refund = await service.refundPayment(
      paymentId,
      { amount: 400, reason: 'requested_by_customer' },
      ctx,
    );
    assert.match(refund.refundId ?? '', /^re_[0-9a-f]{32}$/);
    await assert.rejects(service.refundPayment(paymentId, { amount: 601 }, ctx), {
      code: 'PAY_REFUND_EXCEEDS_CAPTURED',
    });
    const ok = await recorder.recordRefundSucceeded(
      paymentId,
      { refundId: refund.refundId!, providerRefundId: 'pr_1' },
      system,
    );
    assert.deepEqual(ok.eventTypes, ['RefundSucceeded']);
    assert.deepEqual(
      store.outbox.all().map((m) => m.kind),
      ['provider.create_payment', 'provider.capture', 'provider.refund'],
    );
    const refundMsg = store.outbox.all()[2]?.payload as Record<string, unknown>;
    assert.deepEqual(
      [refundMsg.refundId, refundMsg.amount, refundMsg.providerPaymentId],
      [refund.refundId, 400, 'pi_1'],
    );
  });

  test('cancel: at once when pending, through the provider once submitted', async () => {
    const { store, service, recorder } = setup();
    const a = await service.createPayment(input, ctx);
    const canceled = await service.cancelPayment(a.paymentId, { reason: 'duplicate' }, ctx);
    const [, last] = await store.readStream(`payment-${a.paymentId}`);
    assert.deepEqual([canceled.version, last?.type], [2, 'PaymentCanceled']);
    const b = await service.createPayment(input, ctx);
    await recorder.recordSubmission(b.paymentId, { providerPaymentId: 'pi_2' }, system);
    await service.cancelPayment(b.paymentId, {}, ctx);
    assert.equal(store.outbox.all().at(-1)?.kind, 'provider.cancel');
    const done = await recorder.recordCancellation(b.paymentId, {}, system);
    assert.deepEqual(done.eventTypes, ['PaymentCanceled']);
    await assert.rejects(
      recorder.recordCapture(b.paymentId, { providerPaymentId: 'pi_2', amount: 1234 }, system),
      {
        code: 'PAY_INVALID_TRANSITION',
      },
    );
  });

  test('If-Match: a stale version is PAY_PRECONDITION_FAILED and writes nothing', async () => {
    const { store, service, recorder } = setup();
    const { paymentId } = await service.createPayment({ ...input, captureMethod: 'manual' }, ctx);
    await recorder.recordAuthorization(
      paymentId,
      { providerPaymentId: 'pi_1', amountAuthorized: 1234 },
      system,
    );
    await assert.rejects(service.capturePayment(paymentId, {}, { ...ctx, expectedVersion: 1 }), {
      code: 'PAY_PRECONDITION_FAILED',
    });
    assert.equal(await store.streamVersion(`payment-${paymentId}`), 2);
    const ok = await service.capturePayment(paymentId, {}, { ...ctx, expectedVersion: 2 });
    assert.equal(ok.version, 3);
  });

  test('unknown and malformed payment ids are PAY_NOT_FOUND', async () => {
    const { service } = setup();
    await assert.rejects(service.capturePayment(`pay_${'0'.repeat(32)}`, {}, ctx), {
      code: 'PAY_NOT_FOUND',
      message: /pay_0{32}/,
    });
    await assert.rejects(service.refundPayment('nope', {}, ctx), { code: 'PAY_NOT_FOUND' });
  });
});
