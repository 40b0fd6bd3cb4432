import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiKeys, MemoryApiKeyStore } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { MemoryEventStore } from '../../src/eventsourcing/memory/memoryEventStore.js';
import { MemoryOutboxStore } from '../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { buildApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import { webhookRoutes } from '../../src/http/routes/webhooks.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createPaymentCommandService } from '../../src/payments/commands/paymentCommandService.js';
import { createProviderFlow } from '../../src/payments/provider/flow.js';
import { MemoryWebhookInbox } from '../../src/payments/provider/inbox/webhookInbox.js';
import type { PaymentProvider } from '../../src/payments/provider/port.js';
import { StripeProvider } from '../../src/payments/provider/stripe/stripeProvider.js';
import { type Simulator, signatureHeader, startSimulator } from '../../src/simulator/index.js';
import { wrapProvider } from '../support/wrapProvider.js';

const SECRET = 'whsec_test_route_secret';
const KEY = 'sk_test_webhook_route';
const ctx = { actor: 'key_test', correlationId: 'c-1' };

describe('POST /webhooks/stripe', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ apiKey: KEY });
  });
  after(() => sim.close());

  async function setup() {
    const real = new StripeProvider({
      apiKey: KEY,
      host: sim.host,
      port: sim.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    // The provider's answer to our create is "lost" (as after a timeout): only a webhook can tell us.
    const provider: PaymentProvider = wrapProvider(real);
    provider.createPayment = async (req) => {
      await real.createPayment(req);
      return { outcome: 'retryable', reason: 'response lost', status: null };
    };
    const store = new MemoryEventStore();
    const inbox = new MemoryWebhookInbox();
    const metrics = createMetrics();
    const logs: string[] = [];
    const flow = createProviderFlow({
      store,
      outbox: new MemoryOutboxStore(store.outbox),
      inbox,
      provider,
      webhookSecret: SECRET,
      metrics,
      policy: { maxAttempts: 1 },
    });
    const commands = createPaymentCommandService({ store, snapshots: store });
    const deps = {
      commands,
      queries: {} as AppDeps['queries'],
      keys: new ApiKeys(new MemoryApiKeyStore()),
      metrics,
      webhooks: flow.webhooks,
      logger: (await import('../../src/observability/logger.js')).createLogger({
        level: 'debug',
        destination: { write: (s: string) => logs.push(s) },
      }),
    } satisfies AppDeps;
    const config = loadConfig({ env: {} });
    const app = await buildApp(deps, config);
    if (!app.hasRoute({ method: 'POST', url: '/webhooks/stripe' }))
      await app.register(webhookRoutes, { deps, config });
    await app.ready();
    return { app, store, inbox, metrics, flow, commands, logs };
  }

  /** The simulator's events for one intent, oldest first, as raw JSON. */
  async function rawEvents(
    intentId: string,
  ): Promise<Array<{ id: string; type: string; data: { object: { id: string } } }>> {
    const res = await fetch(`${sim.url}/v1/events?limit=100`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    const page = (await res.json()) as {
      data: Array<{ id: string; type: string; data: { object: { id: string } } }>;
    };
    return page.data.filter((e) => e.data.object.id === intentId).reverse();
  }

  const post = (app: Awaited<ReturnType<typeof setup>>['app'], body: string, signature?: string) =>
    app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'stripe-signature': signature } : {}),
      },
      payload: body,
    });

  it('rejects a missing, forged or stale signature with 400 PAY_WEBHOOK_SIGNATURE and applies nothing', async () => {
    const s = await setup();
    const body = JSON.stringify({
      id: 'evt_forged',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: 1,
      data: { object: { id: 'pi_x', object: 'payment_intent' } },
    });
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      undefined,
      signatureHeader(body, 'whsec_other', now),
      signatureHeader(body, SECRET, now - 301),
      'garbage',
    ];
    for (const sig of cases) {
      const res = await post(s.app, body, sig);
      assert.equal(res.statusCode, 400);
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
      assert.equal(res.json().code, 'PAY_WEBHOOK_SIGNATURE');
    }
    assert.equal(await s.inbox.get('evt_forged'), undefined, 'nothing recorded');
    assert.match(await s.metrics.registry.metrics(), /webhook_signature_failures_total 4/);
    assert.ok(!s.logs.join('').includes(SECRET), 'the secret never reaches a log');
    await s.app.close();
  });

  it('settles a payment whose outcome only a webhook brings, dedupes a redelivery, tolerates reordering', async () => {
    const s = await setup();
    const r = await s.commands.createPayment(
      { amount: 4200, currency: 'eur', paymentMethod: 'pm_card_visa' },
      ctx,
    );
    await s.flow.dispatcher.runOnce();
    const processing = await s.flow.loadPayment(r.paymentId);
    assert.equal(processing?.status, 'processing');
    const intent = sim
      .snapshot()
      .payment_intents.find((t) => t.payment_intent.metadata.paystream_payment_id === r.paymentId);
    assert.ok(intent);
    const events = await rawEvents(intent.payment_intent.id);
    const succeeded = events.find((e) => e.type === 'payment_intent.succeeded');
    const created = events.find((e) => e.type === 'payment_intent.created');
    assert.ok(succeeded && created);
    const sign = (e: unknown) => {
      const body = JSON.stringify(e);
      return [body, signatureHeader(body, SECRET, Math.floor(Date.now() / 1000))] as const;
    };
    const first = await post(s.app, ...sign(succeeded));
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().result, 'applied');
    const settled = await s.flow.loadPayment(r.paymentId);
    assert.equal(settled?.status, 'succeeded');
    assert.equal(settled?.amountCaptured, 4200);
    assert.equal(settled?.providerPaymentId, intent.payment_intent.id);
    const again = await post(s.app, ...sign(succeeded));
    assert.equal(again.json().result, 'duplicate');
    const late = await post(s.app, ...sign(created));
    assert.equal(late.json().result, 'applied');
    const after = await s.flow.loadPayment(r.paymentId);
    assert.equal(after?.status, 'succeeded', 'an older event never moves the payment back');
    const types = (await s.store.readStream(`payment-${r.paymentId}`)).map((e) => e.type);
    // Submitted twice: first "sent, outcome unknown", then the provider id learned from the webhook.
    assert.deepEqual(types, ['PaymentRequested', 'PaymentSubmitted', 'PaymentSubmitted', 'PaymentCaptured']);
    assert.ok((await s.inbox.get(succeeded.id))?.processedAt);
    assert.match(
      await s.metrics.registry.metrics(),
      /webhooks_received_total\{type="payment_intent.succeeded",result="duplicate"\} 1/,
    );
    await s.app.close();
  });
});
