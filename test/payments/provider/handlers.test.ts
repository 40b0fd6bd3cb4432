import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { OutboxDispatcher } from '../../../src/eventsourcing/outbox/dispatcher.js';
import { MemoryOutboxStore } from '../../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { createPaymentCommandService } from '../../../src/payments/commands/paymentCommandService.js';
import { PaymentRecorder } from '../../../src/payments/commands/paymentRecorder.js';
import { paymentHandlers } from '../../../src/payments/provider/handlers.js';
import { createProviderPolicy } from '../../../src/payments/provider/policy.js';
import type { PaymentProvider } from '../../../src/payments/provider/port.js';
import { paymentLoader } from '../../../src/payments/provider/recording.js';
import { StripeProvider } from '../../../src/payments/provider/stripe/stripeProvider.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';

const ctx = { actor: 'key_test', correlationId: 'c-1' };

/** The real provider with some calls replaced (its methods stay bound: it keeps private fields). */
function overriding(real: PaymentProvider, over: Partial<PaymentProvider>): PaymentProvider {
  return new Proxy(real, {
    get(target, key) {
      if (key in over) return over[key as keyof PaymentProvider];
      const v = Reflect.get(target, key, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('payment outbox handlers against the simulator', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  const stripe = () =>
    new StripeProvider({
      apiKey: 'sk_test_h',
      host: sim.host,
      port: sim.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });

  function flow(provider: PaymentProvider = stripe()) {
    const store = new MemoryEventStore();
    const outbox = new MemoryOutboxStore(store.outbox);
    const deps = { store, snapshots: store };
    const commands = createPaymentCommandService(deps);
    const loadPayment = paymentLoader(store);
    const policy = createProviderPolicy({ initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 });
    const handlers = paymentHandlers({ provider, policy, recorder: new PaymentRecorder(deps), loadPayment });
    const dispatcher = new OutboxDispatcher({ store: outbox, handlers, backoff: { baseMs: 1, maxMs: 5 } });
    return { store, outbox, commands, loadPayment, dispatcher, provider };
  }

  it('charges pm_card_visa once and records submission then capture', async () => {
    const f = flow();
    const r = await f.commands.createPayment(
      { amount: 1234, currency: 'eur', paymentMethod: 'pm_card_visa' },
      ctx,
    );
    await f.dispatcher.drain(10_000);
    const s = await f.loadPayment(r.paymentId);
    assert.equal(s?.status, 'succeeded');
    assert.equal(s?.amountCaptured, 1234);
    const types = (await f.store.readStream(`payment-${r.paymentId}`)).map((e) => e.type);
    assert.deepEqual(types, ['PaymentRequested', 'PaymentSubmitted', 'PaymentCaptured']);
    assert.equal(sim.capturesOf(s!.providerPaymentId!), 1);
    assert.equal(
      sim.intent(s!.providerPaymentId!)?.payment_intent.metadata.paystream_payment_id,
      r.paymentId,
    );
  });

  it('records a decline with the provider code', async () => {
    const f = flow();
    const r = await f.commands.createPayment(
      { amount: 500, currency: 'usd', paymentMethod: 'pm_card_chargeDeclined' },
      ctx,
    );
    await f.dispatcher.drain(10_000);
    const s = await f.loadPayment(r.paymentId);
    assert.equal(s?.status, 'failed');
    assert.equal(s?.failure?.code, 'card_declined');
  });

  it('records a payment the provider refuses (amount too small, unknown card) as failed with its code', async () => {
    const f = flow();
    const small = await f.commands.createPayment(
      { amount: 10, currency: 'eur', paymentMethod: 'pm_card_visa' },
      ctx,
    );
    const unknown = await f.commands.createPayment(
      { amount: 900, currency: 'eur', paymentMethod: 'pm_card_nope' },
      ctx,
    );
    await f.dispatcher.drain(10_000);
    const a = await f.loadPayment(small.paymentId);
    const b = await f.loadPayment(unknown.paymentId);
    assert.deepEqual([a?.status, a?.failure?.code], ['failed', 'amount_too_small']);
    assert.deepEqual([b?.status, b?.failure?.code], ['failed', 'resource_missing']);
    assert.equal(
      (await f.outbox.list({ state: 'dead' })).length,
      0,
      'a refusal is an answer, not a dead letter',
    );
  });

  it('authorizes, captures and refunds a manual payment', async () => {
    const f = flow();
    const r = await f.commands.createPayment(
      { amount: 2000, currency: 'eur', paymentMethod: 'pm_card_visa', captureMethod: 'manual' },
      ctx,
    );
    await f.dispatcher.drain(10_000);
    assert.equal((await f.loadPayment(r.paymentId))?.status, 'requires_capture');
    await f.commands.capturePayment(r.paymentId, { amount: 1500 }, ctx);
    await f.dispatcher.drain(10_000);
    const captured = await f.loadPayment(r.paymentId);
    assert.equal(captured?.status, 'succeeded');
    assert.equal(captured?.amountCaptured, 1500);
    const refund = await f.commands.refundPayment(r.paymentId, { amount: 700 }, ctx);
    await f.dispatcher.drain(10_000);
    const refunded = await f.loadPayment(r.paymentId);
    assert.equal(refunded?.amountRefunded, 700);
    assert.equal(refunded?.refunds.find((x) => x.id === refund.refundId)?.status, 'succeeded');
    const truth = sim.intent(captured!.providerPaymentId!);
    assert.equal(truth?.payment_intent.amount_received, 1500);
    assert.equal(truth?.refunds.length, 1);
  });

  it('keeps retrying an unavailable provider with the same key, then charges once', async () => {
    sim.configureFaults({ errorRate: 1, errorStatuses: [503] }, true);
    const f = flow();
    const r = await f.commands.createPayment(
      { amount: 900, currency: 'eur', paymentMethod: 'pm_card_visa' },
      ctx,
    );
    assert.equal(await f.dispatcher.runOnce(), 1);
    const [row] = await f.outbox.list({});
    assert.equal(row?.state, 'pending');
    assert.match(row?.lastError ?? '', /provider unavailable/);
    assert.equal((await f.loadPayment(r.paymentId))?.status, 'processing', 'unknown outcome: processing');
    sim.configureFaults({}, true);
    await f.dispatcher.drain(10_000);
    const s = await f.loadPayment(r.paymentId);
    assert.equal(s?.status, 'succeeded');
    assert.equal(sim.capturesOf(s!.providerPaymentId!), 1);
  });

  it('a cancel asked while the create is unanswered (never reached the provider) cancels without creating', async () => {
    sim.configureFaults({ errorRate: 1, errorStatuses: [503] }, true);
    const f = flow();
    const r = await f.commands.createPayment(
      { amount: 800, currency: 'eur', paymentMethod: 'pm_card_visa', captureMethod: 'manual' },
      ctx,
    );
    await f.dispatcher.runOnce();
    await f.commands.cancelPayment(r.paymentId, { reason: 'requested_by_customer' }, ctx);
    const [cancel] = (await f.outbox.list({})).filter((m) => m.kind === 'provider.cancel');
    assert.ok(cancel);
    sim.configureFaults({}, true);
    await f.dispatcher.drain(10_000);
    const s = await f.loadPayment(r.paymentId);
    assert.equal(s?.status, 'canceled');
    assert.equal(s?.providerPaymentId, null, 'the create was never sent again');
    const listed = await f.provider.listPayments({ limit: 100 });
    assert.ok(listed.outcome === 'ok');
    assert.equal(listed.value.data.filter((x) => x.metadata.paystream_payment_id === r.paymentId).length, 0);
    assert.equal((await f.outbox.get(cancel.id))?.state, 'done');
    assert.equal((await f.outbox.list({ state: 'dead' })).length, 0);
  });

  it('a capture the provider refuses (above what it holds) is recorded as rejected; another capture then goes through', async () => {
    const real = stripe();
    // As if the provider held less than we think: Stripe refuses amount_to_capture > amount_capturable.
    let extra = 10_000;
    const provider: PaymentProvider = overriding(real, {
      capture: (id: string, req: { amountToCapture?: number; idempotencyKey: string }) =>
        real.capture(id, { ...req, amountToCapture: (req.amountToCapture ?? 0) + extra }),
    });
    const f = flow(provider);
    const r = await f.commands.createPayment(
      { amount: 2000, currency: 'eur', paymentMethod: 'pm_card_visa', captureMethod: 'manual' },
      ctx,
    );
    await f.dispatcher.drain(10_000);
    await f.commands.capturePayment(r.paymentId, { amount: 1500 }, ctx);
    await f.dispatcher.drain(10_000);
    const refused = await f.loadPayment(r.paymentId);
    assert.equal(refused?.status, 'requires_capture');
    assert.equal(refused?.pendingCapture, null, 'the refused request no longer blocks the payment');
    const events = await f.store.readStream(`payment-${r.paymentId}`);
    const rejected = events.find((e) => e.type === 'PaymentCaptureRejected');
    assert.ok(rejected, 'the refusal is in the log');
    const data = rejected.data as { code: string; amount: number };
    assert.deepEqual([data.code, data.amount], ['amount_too_large', 1500]);
    assert.equal((await f.outbox.list({ state: 'dead' })).length, 0, 'a refusal is an answer');
    extra = 0;
    await f.commands.capturePayment(r.paymentId, { amount: 1000 }, ctx);
    await f.dispatcher.drain(10_000);
    const s = await f.loadPayment(r.paymentId);
    assert.deepEqual([s?.status, s?.amountCaptured], ['succeeded', 1000]);
    assert.equal(sim.intent(s!.providerPaymentId!)?.payment_intent.amount_received, 1000);
  });

  it('a cancel the provider refuses is recorded as rejected; the payment can be canceled again', async () => {
    const real = stripe();
    let refuse = true;
    const provider: PaymentProvider = overriding(real, {
      cancel: (id: string, req: { reason?: string | null; idempotencyKey: string }) =>
        refuse
          ? Promise.resolve({
              outcome: 'permanent' as const,
              status: 400,
              code: 'payment_intent_unexpected_state',
              message: 'You cannot cancel this PaymentIntent now.',
            })
          : real.cancel(id, req),
    });
    const f = flow(provider);
    const r = await f.commands.createPayment(
      { amount: 2000, currency: 'eur', paymentMethod: 'pm_card_visa', captureMethod: 'manual' },
      ctx,
    );
    await f.dispatcher.drain(10_000);
    await f.commands.cancelPayment(r.paymentId, { reason: 'requested_by_customer' }, ctx);
    await f.dispatcher.drain(10_000);
    const refused = await f.loadPayment(r.paymentId);
    assert.deepEqual([refused?.status, refused?.pendingCancel], ['requires_capture', null]);
    const types = (await f.store.readStream(`payment-${r.paymentId}`)).map((e) => e.type);
    assert.ok(types.includes('PaymentCancelRejected'));
    refuse = false;
    await f.commands.cancelPayment(r.paymentId, { reason: 'requested_by_customer' }, ctx);
    await f.dispatcher.drain(10_000);
    const s = await f.loadPayment(r.paymentId);
    assert.equal(s?.status, 'canceled');
    assert.equal(sim.intent(s!.providerPaymentId!)?.payment_intent.status, 'canceled');
  });

  it('dead-letters a call the provider refuses for our credentials, explained', async () => {
    const locked = await startSimulator({ apiKey: 'sk_test_right' });
    try {
      const bad = new StripeProvider({
        apiKey: 'sk_test_wrong',
        host: locked.host,
        port: locked.port,
        protocol: 'http',
        maxNetworkRetries: 0,
      });
      const f = flow(bad);
      await f.commands.createPayment({ amount: 900, currency: 'eur', paymentMethod: 'pm_card_visa' }, ctx);
      await f.dispatcher.drain(10_000);
      const [dead] = await f.outbox.list({ state: 'dead' });
      assert.match(dead?.lastError ?? '', /provider refused \(401/);
    } finally {
      await locked.close();
    }
  });
});
