import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKeys, MemoryApiKeyStore } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { MemoryEventStore } from '../../src/eventsourcing/memory/memoryEventStore.js';
import { MemoryOutboxStore } from '../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { buildApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import { adminRoutes } from '../../src/http/routes/admin.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { PaymentRecorder } from '../../src/payments/commands/paymentRecorder.js';
import { createProviderPolicy } from '../../src/payments/provider/policy.js';
import type { PaymentProvider } from '../../src/payments/provider/port.js';
import { Reconciler } from '../../src/payments/provider/reconciler.js';
import { paymentLoader } from '../../src/payments/provider/recording.js';

const nothing = async () =>
  ({ outcome: 'permanent', code: 'unused', message: 'unused', status: 400 }) as const;
const emptyProvider: PaymentProvider = {
  createPayment: nothing,
  capture: nothing,
  cancel: nothing,
  refund: nothing,
  retrievePayment: nothing,
  retrieveRefund: nothing,
  listRefunds: async () => ({ outcome: 'ok', value: [] }),
  listPayments: async () => ({ outcome: 'ok', value: { data: [], hasMore: false } }),
  listEvents: async () => ({ outcome: 'ok', value: { data: [], hasMore: false } }),
};

async function setup() {
  const store = new MemoryEventStore();
  const outbox = new MemoryOutboxStore(store.outbox);
  await store.append('payment-a', [{ type: 'Asked', data: {} }], {
    outbox: [
      { kind: 'provider.capture', dedupKey: 'd1', payload: { secretish: 'customer data' } },
      { kind: 'provider.refund', dedupKey: 'd2', payload: {} },
    ],
  });
  const [dead, live] = await outbox.lease('w', 2, 60_000);
  await outbox.fail(dead!.id, 'w', 'provider refused (401 authentication_required): bad key', { dead: true });
  await outbox.fail(live!.id, 'w', 'provider unavailable: 503', { retryAt: new Date() });
  const reconciler = new Reconciler({
    store,
    outbox,
    provider: emptyProvider,
    policy: createProviderPolicy(),
    recorder: new PaymentRecorder({ store }),
    loadPayment: paymentLoader(store),
  });
  const keys = new ApiKeys(new MemoryApiKeyStore());
  const admin = (await keys.createKey({ scopes: ['admin'], name: 'admin' })).key;
  const writer = (await keys.createKey({ scopes: ['payments:write'], name: 'writer' })).key;
  const deps = {
    commands: {} as AppDeps['commands'],
    queries: {} as AppDeps['queries'],
    keys,
    metrics: createMetrics(),
    outbox,
    reconciler,
  } satisfies AppDeps;
  const config = loadConfig({ env: {} });
  const app = await buildApp(deps, config);
  if (!app.hasRoute({ method: 'GET', url: '/v1/outbox' })) await app.register(adminRoutes, { deps, config });
  await app.ready();
  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  return { app, dead: dead!, live: live!, admin: as(admin), writer: as(writer) };
}

describe('admin routes: outbox and reconciliations', () => {
  it('lists dead letters with their error and without payloads; admin scope only', async () => {
    const s = await setup();
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1/outbox?state=dead' })).statusCode, 401);
    const forbidden = await s.app.inject({ method: 'GET', url: '/v1/outbox?state=dead', headers: s.writer });
    assert.equal(forbidden.statusCode, 403);
    const res = await s.app.inject({ method: 'GET', url: '/v1/outbox?state=dead', headers: s.admin });
    assert.equal(res.statusCode, 200);
    const data = res.json().data as Array<Record<string, unknown>>;
    assert.deepEqual(
      data.map((m) => [m.id, m.state, m.last_error]),
      [[s.dead.id, 'dead', 'provider refused (401 authentication_required): bad key']],
    );
    assert.ok(!res.body.includes('customer data'));
    await s.app.close();
  });

  it('retries a dead letter; refuses a live one (409) and an unknown one (404)', async () => {
    const s = await setup();
    const ok = await s.app.inject({ method: 'POST', url: `/v1/outbox/${s.dead.id}/retry`, headers: s.admin });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().state, 'pending');
    assert.equal(ok.json().attempts, 0);
    const live = await s.app.inject({
      method: 'POST',
      url: `/v1/outbox/${s.live.id}/retry`,
      headers: s.admin,
    });
    assert.equal(live.statusCode, 409);
    assert.equal(live.json().code, 'PAY_OUTBOX_NOT_DEAD');
    const unknown = await s.app.inject({ method: 'POST', url: '/v1/outbox/nope/retry', headers: s.admin });
    assert.equal(unknown.statusCode, 404);
    await s.app.close();
  });

  it('runs a reconciliation now and lists it among the recent runs', async () => {
    const s = await setup();
    const run = await s.app.inject({
      method: 'POST',
      url: '/v1/reconciliations',
      headers: s.admin,
      payload: { since: '2026-01-01T00:00:00Z' },
    });
    assert.equal(run.statusCode, 200, run.body);
    assert.equal(run.json().since, '2026-01-01T00:00:00.000Z');
    assert.equal(run.json().counts.payments, 0);
    const list = await s.app.inject({ method: 'GET', url: '/v1/reconciliations', headers: s.admin });
    assert.deepEqual(
      list.json().data.map((r: { run_id: string }) => r.run_id),
      [run.json().run_id],
    );
    assert.ok(list.json().data[0].completed_at);
    assert.equal(
      (await s.app.inject({ method: 'POST', url: '/v1/reconciliations', headers: s.writer })).statusCode,
      403,
    );
    await s.app.close();
  });
});
