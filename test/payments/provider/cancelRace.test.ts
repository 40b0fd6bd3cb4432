/**
 * Cancel while the create is unanswered: the simulator's timeout fault runs the create and
 * withholds the answer, so paystream holds the payment as processing with no provider id while
 * the provider has it. A cancel asked then must not let a retried create charge the customer
 * unnoticed: the create is never sent again, the intent is found by our metadata, and it is
 * canceled, or (already captured) recorded with a full refund.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { OutboxDispatcher } from '../../../src/eventsourcing/outbox/dispatcher.js';
import { MemoryOutboxStore } from '../../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { createPaymentCommandService } from '../../../src/payments/commands/paymentCommandService.js';
import { PaymentRecorder } from '../../../src/payments/commands/paymentRecorder.js';
import { cancelRefundId } from '../../../src/payments/domain/decideRejections.js';
import { paymentHandlers } from '../../../src/payments/provider/handlers.js';
import { createProviderPolicy } from '../../../src/payments/provider/policy.js';
import { paymentLoader } from '../../../src/payments/provider/recording.js';
import { StripeProvider } from '../../../src/payments/provider/stripe/stripeProvider.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';

const ctx = { actor: 'key_test', correlationId: 'c-race' };
/** Every call times out: the simulator does the work, then resets the socket without answering. */
const TIMEOUTS = { seed: 7, timeoutRate: 1, timeoutMode: 'destroy', timeoutAfterMs: 5 } as const;

describe('cancel racing an unanswered create (simulator timeout fault)', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  function flow() {
    const provider = new StripeProvider({
      apiKey: 'sk_test_race',
      host: sim.host,
      port: sim.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const store = new MemoryEventStore();
    const outbox = new MemoryOutboxStore(store.outbox);
    const deps = { store, snapshots: store };
    const commands = createPaymentCommandService(deps);
    const loadPayment = paymentLoader(store);
    const policy = createProviderPolicy({ initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 });
    const handlers = paymentHandlers({ provider, policy, recorder: new PaymentRecorder(deps), loadPayment });
    const dispatcher = new OutboxDispatcher({ store: outbox, handlers, backoff: { baseMs: 1, maxMs: 5 } });
    return { store, outbox, commands, loadPayment, dispatcher };
  }

  /** A payment whose create reached the provider but whose answer was lost, then a cancel. */
  async function timedOutThenCanceled(f: ReturnType<typeof flow>, captureMethod: 'automatic' | 'manual') {
    sim.configureFaults(TIMEOUTS, true);
    const r = await f.commands.createPayment(
      { amount: 4200, currency: 'eur', paymentMethod: 'pm_card_visa', captureMethod },
      ctx,
    );
    assert.equal(await f.dispatcher.runOnce(), 1);
    const unanswered = await f.loadPayment(r.paymentId);
    assert.deepEqual([unanswered?.status, unanswered?.providerPaymentId], ['processing', null]);
    await f.commands.cancelPayment(r.paymentId, { reason: 'requested_by_customer' }, ctx);
    sim.configureFaults({}, true);
    await f.dispatcher.drain(10_000);
    const s = await f.loadPayment(r.paymentId);
    assert.ok(s?.providerPaymentId, 'the intent the lost answer was about is found by our metadata');
    const types = (await f.store.readStream(`payment-${r.paymentId}`)).map((e) => e.type);
    return { paymentId: r.paymentId, s, types };
  }

  it('automatic capture: the charge is recorded, the cancel rejected and the customer refunded in full', async () => {
    const f = flow();
    const { paymentId, s, types } = await timedOutThenCanceled(f, 'automatic');
    assert.equal(s.status, 'succeeded', 'the provider moved the money: we say so');
    assert.equal(s.amountCaptured, 4200);
    assert.equal(s.amountRefunded, 4200, 'the cancel intent is honoured by a refund');
    assert.deepEqual(
      s.refunds.map((x) => [x.id, x.status]),
      [[cancelRefundId(paymentId), 'succeeded']],
    );
    assert.deepEqual(
      types.filter((t) => t !== 'PaymentSubmitted'),
      [
        'PaymentRequested',
        'PaymentCancelRequested',
        'PaymentCancelRejected',
        'PaymentCaptured',
        'RefundRequested',
        'RefundSucceeded',
      ],
    );
    const truth = sim.intent(s.providerPaymentId!);
    assert.equal(sim.capturesOf(s.providerPaymentId!), 1, 'one charge: the create was not sent again');
    assert.equal(truth?.refunds.length, 1);
    assert.equal(truth?.refunds[0]?.amount, 4200);
    assert.equal((await f.outbox.list({ state: 'dead' })).length, 0);
  });

  it('manual capture: the authorization found at the provider is canceled there', async () => {
    const f = flow();
    const { s, types } = await timedOutThenCanceled(f, 'manual');
    assert.equal(s.status, 'canceled');
    assert.equal(s.cancellationReason, 'requested_by_customer');
    assert.equal(sim.intent(s.providerPaymentId!)?.payment_intent.status, 'canceled');
    assert.equal(sim.capturesOf(s.providerPaymentId!), 0);
    assert.ok(types.includes('PaymentAuthorized') && types.at(-1) === 'PaymentCanceled');
    assert.equal((await f.outbox.list({ state: 'dead' })).length, 0);
  });
});
