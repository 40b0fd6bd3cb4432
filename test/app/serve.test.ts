/**
 * The service as `npm start` runs it — composition root, real listening server, embedded
 * simulator through the Stripe adapter, outbox dispatcher, webhooks — on the embedded SQLite
 * default and on PostgreSQL + Redis. Everything goes through HTTP, as a client would.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Service, serve } from '../../src/app/server.js';
import { loadConfig } from '../../src/config/index.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

// Response bodies are read as the loose JSON a client sees; each test asserts the fields it needs.
// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
type Json = any;

interface Client {
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json }>;
  get(path: string): Promise<{ status: number; body: Json; headers: Headers }>;
}

function client(url: string, key: string): Client {
  const auth = { authorization: `Bearer ${key}` };
  return {
    async post(path, body, headers = {}) {
      const res = await fetch(url + path, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    async get(path) {
      const res = await fetch(url + path, { headers: auth });
      return { status: res.status, body: await res.json(), headers: res.headers };
    },
  };
}

function endToEnd(
  name: string,
  makeConfig: () => Promise<{ config: ConfigInput; cleanup: () => Promise<void> }>,
) {
  describe(`paystream serve end to end: ${name}`, () => {
    let service: Service;
    let api: Client;
    let dataDir: string;
    let cleanup: () => Promise<void>;
    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'ps-serve-'));
      const made = await makeConfig();
      cleanup = made.cleanup;
      const config = loadConfig({
        env: {},
        overrides: { ...made.config, dataDir, server: { port: 0 }, logLevel: 'silent' },
      });
      service = await serve(config, { print: () => {} });
      const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
      api = client(service.url, key);
    });
    after(async () => {
      await service?.shutdown('test over');
      await cleanup?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('the bootstrap admin key is written with mode 0600', () => {
      assert.equal(statSync(join(dataDir, 'admin-key')).mode & 0o777, 0o600);
    });

    test('pm_card_visa: 201 with a succeeded payment', async () => {
      const r = await api.post('/v1/payments', {
        amount: 2500,
        currency: 'EUR',
        payment_method: 'pm_card_visa',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'succeeded');
      assert.equal(r.body.amount_captured, 2500);
      assert.match(r.body.provider_payment_id, /^pi_/);
    });

    test('pm_card_chargeDeclined: 201 with a failed payment and its codes', async () => {
      const r = await api.post('/v1/payments', {
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclined',
      });
      assert.equal(r.status, 201);
      assert.equal(r.body.status, 'failed');
      assert.equal(r.body.failure_code, 'card_declined');
      assert.equal(r.body.decline_code, 'generic_decline');
    });

    test('manual capture: authorized, captured in part, then refunded in part', async () => {
      const created = await api.post('/v1/payments', {
        amount: 5000,
        currency: 'gbp',
        payment_method: 'pm_card_mastercard',
        capture_method: 'manual',
      });
      assert.equal(created.body.status, 'requires_capture');
      const id = created.body.id as string;
      const captured = await api.post(`/v1/payments/${id}/capture`, { amount: 4000 });
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      const afterCapture = await waitFor(api, id, (p) => p.status === 'succeeded');
      assert.equal(afterCapture.amount_captured, 4000);
      const refund = await api.post(`/v1/payments/${id}/refunds`, { amount: 1500 });
      assert.equal(refund.status, 200, JSON.stringify(refund.body));
      const refunded = await waitFor(api, id, (p) => p.amount_refunded === 1500);
      assert.equal(refunded.refunds[0].status, 'succeeded');
      assert.equal(refunded.amount_net, 2500);
    });

    test('the dashboard follows the payments', async () => {
      const d = await api.get('/v1/dashboard');
      const byCurrency = new Map((d.body.currencies as Json[]).map((c) => [c.currency, c]));
      assert.equal(byCurrency.get('eur').amount_captured, 2500);
      assert.equal(byCurrency.get('usd').failed, 1);
      assert.equal(byCurrency.get('gbp').amount_refunded, 1500);
    });

    test('readiness reports the store and the provider circuit', async () => {
      const r = await fetch(`${service.url}/readyz`);
      const body = (await r.json()) as { checks: Array<{ name: string; ok: boolean }> };
      assert.equal(r.status, 200, JSON.stringify(body));
      assert.deepEqual(body.checks.map((c) => c.name).sort(), ['event_store', 'provider']);
    });
  });
}

/** Polls the API (the client's view) until the payment satisfies `ok`, bounded. */
async function waitFor(api: Client, id: string, ok: (p: Json) => boolean): Promise<Json> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await api.get(`/v1/payments/${id}`);
    if (ok(r.body)) return r.body;
    if (Date.now() > deadline)
      assert.fail(`payment ${id} never reached the state: ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

endToEnd('embedded defaults (SQLite, in-process cache, simulator)', async () => ({
  config: {},
  cleanup: async () => {},
}));

let pg: TestDatabase | undefined;
endToEnd('PostgreSQL and Redis', async () => {
  pg = await createTestDatabase('serve');
  return {
    config: {
      store: { kind: 'postgres', databaseUrl: pg.url },
      cache: {
        kind: 'redis',
        redisUrl: 'redis://127.0.0.1:6379',
        prefix: `ps_test_${randomBytes(4).toString('hex')}_`,
      },
    },
    cleanup: async () => pg?.drop(),
  };
});
