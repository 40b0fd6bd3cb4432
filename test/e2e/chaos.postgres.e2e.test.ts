/**
 * CHAOS on PostgreSQL: the same faults and workload as the SQLite run, with the PostgreSQL event
 * store, outbox (two dispatchers sharing it through FOR UPDATE SKIP LOCKED, as two workers would)
 * and webhook inbox; webhooks reach a loopback HTTP server through the real route. After the
 * dispatchers drain and ONE reconciliation, every payment must equal the provider's state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiKeys, MemoryApiKeyStore } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { PostgresOutboxStore } from '../../src/eventsourcing/outbox/postgresOutboxStore.js';
import { PostgresEventStore } from '../../src/eventsourcing/postgres/postgresEventStore.js';
import { buildApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import { webhookRoutes } from '../../src/http/routes/webhooks.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createPaymentCommandService } from '../../src/payments/commands/paymentCommandService.js';
import type { PaymentState } from '../../src/payments/domain/payment.js';
import { createProviderFlow, type ProviderFlow } from '../../src/payments/provider/flow.js';
import { PostgresWebhookInbox } from '../../src/payments/provider/inbox/sqlWebhookInbox.js';
import { providerMigrationsPostgres } from '../../src/payments/provider/inbox/webhookInbox.js';
import { createProviderPolicy } from '../../src/payments/provider/policy.js';
import { Reconciler } from '../../src/payments/provider/reconciler.js';
import { StripeProvider } from '../../src/payments/provider/stripe/stripeProvider.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import {
  assertSettled,
  compareWithProvider,
  countFaults,
  doubleCharges,
  lostEvents,
} from './support/chaosChecks.js';
import {
  CHAOS_DISPATCHER,
  CHAOS_FAULTS,
  CHAOS_POLICY,
  CHAOS_WEBHOOK_RETRY,
  drained,
  loseSomeAnswers,
  runWorkload,
} from './support/chaosScenario.js';

const PAYMENTS = 100;
const SK = 'sk_test_chaos_pg';
const SECRET = 'whsec_chaos_pg';

describe('chaos (PostgreSQL, two dispatchers): one reconciliation leaves no mismatch', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let sim: Simulator;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let workers: ProviderFlow[];
  let provider: StripeProvider;
  let outbox: PostgresOutboxStore;
  const lost = { lost: 0 };

  before(async () => {
    db = await createTestDatabase('chaospg');
    store = await PostgresEventStore.create({
      pool: db.pool,
      migrations: [providerMigrationsPostgres],
      pollIntervalMs: 50,
    });
    sim = await startSimulator({ apiKey: SK, faults: CHAOS_FAULTS, webhookRetry: CHAOS_WEBHOOK_RETRY });
    provider = new StripeProvider({
      apiKey: SK,
      host: sim.host,
      port: sim.port,
      protocol: 'http',
      maxNetworkRetries: 0,
      timeoutMs: 2_000,
    });
    outbox = new PostgresOutboxStore(db.pool);
    const inbox = new PostgresWebhookInbox(db.pool);
    const wrap = loseSomeAnswers(lost);
    workers = [1, 2].map(() =>
      createProviderFlow({
        store,
        outbox,
        inbox,
        provider: wrap(provider),
        webhookSecret: SECRET,
        policy: CHAOS_POLICY,
        dispatcher: CHAOS_DISPATCHER,
      }),
    );
    const deps = {
      commands: {} as AppDeps['commands'],
      queries: {} as AppDeps['queries'],
      keys: new ApiKeys(new MemoryApiKeyStore()),
      metrics: createMetrics(),
      webhooks: workers[0]!.webhooks,
    } satisfies AppDeps;
    const config = loadConfig({ env: {}, overrides: { limits: { rateLimitMax: 0 } } });
    app = await buildApp(deps, config);
    if (!app.hasRoute({ method: 'POST', url: '/webhooks/stripe' }))
      await app.register(webhookRoutes, { deps, config });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    sim.addWebhookEndpoint({
      url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/webhooks/stripe`,
      secret: SECRET,
    });
    for (const w of workers) await w.start();
  });

  after(async () => {
    await sim.close();
    for (const w of workers) await w.stop();
    app.server.closeAllConnections();
    await app.close();
    await store.close();
    await db.drop();
  });

  it('ends with every payment equal to the provider, none charged twice, nothing lost', async (t) => {
    const faults = countFaults(sim);
    const started = Date.now();
    const [w1] = workers;
    const commands = createPaymentCommandService({ store, snapshots: store });
    const w = await runWorkload(PAYMENTS, commands, w1!.loadPayment, outbox);
    await sim.webhooks.idle();
    const reconciler = new Reconciler({
      store,
      outbox,
      provider,
      policy: createProviderPolicy({
        maxAttempts: 12,
        initialDelayMs: 5,
        maxDelayMs: 50,
        timeoutMs: 2_000,
        breakerThreshold: 1_000,
      }),
      recorder: w1!.recorder,
      loadPayment: w1!.loadPayment,
    });
    const report = await reconciler.reconcile({ since: new Date(started - 60_000) });
    await drained(outbox);

    const states = (await Promise.all(w.ids.map((id) => w1!.loadPayment(id)))) as PaymentState[];
    const mismatches = compareWithProvider(states, sim.snapshot());
    const charges = doubleCharges(sim);
    const missing = await lostEvents(store, w.acks);
    const dead = await outbox.list({ state: 'dead', limit: 10_000 });
    const figures = {
      store: 'postgres',
      dispatchers: workers.length,
      payments: PAYMENTS,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      follow_ups: w.followUps,
      faults_injected: { ...faults, create_answers_lost: lost.lost },
      reconciliation: report.counts,
      corrections_made: report.counts.corrected,
      dead_letters_left: dead.length,
      mismatches_left: mismatches.length,
      double_charges: charges.length,
      lost_events: missing.length,
    };
    t.diagnostic(`chaos figures ${JSON.stringify(figures)}`);

    assertSettled({ mismatches, charges, missing, dead, counts: report.counts });
    assert.ok(faults.api_5xx_429 > 0 && faults.api_timeout > 0, 'faults were injected');
  });
});
