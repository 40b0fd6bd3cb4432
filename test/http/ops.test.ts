import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiKeys, MemoryApiKeyStore } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { buildApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { auth, createStack, type Stack } from './support/stack.js';

describe('health, readiness, metrics', () => {
  let s: Stack;
  let breakerOpen = false;
  before(async () => {
    s = await createStack({
      deps: {
        readinessChecks: [
          async () => ({ name: 'store', ok: true }),
          async () => ({
            name: 'provider',
            ok: !breakerOpen,
            ...(breakerOpen && { detail: 'circuit open' }),
          }),
        ],
      },
    });
  });
  after(() => s.close());

  test('GET /healthz is 200 {status: ok}', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  test('GET /readyz is 200 with every check when all pass, 503 naming the failing one otherwise', async () => {
    const ok = await s.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), {
      ready: true,
      status: 'ready',
      checks: [
        { name: 'store', ok: true },
        { name: 'provider', ok: true },
      ],
    });
    breakerOpen = true;
    const down = await s.app.inject({ method: 'GET', url: '/readyz' });
    breakerOpen = false;
    assert.equal(down.statusCode, 503);
    assert.equal(down.json().ready, false);
    assert.deepEqual(down.json().checks[1], { name: 'provider', ok: false, detail: 'circuit open' });
  });

  test('GET /metrics serves the registry with http_request_duration_seconds per route', async () => {
    await s.app.inject({ method: 'GET', url: '/v1/payments', headers: auth(s.key.read) });
    const res = await s.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(
      res.body,
      /http_request_duration_seconds_count\{[^}]*route="\/v1\/payments"[^}]*status_code="200"/,
    );
    const h = await s.metrics.httpRequestDuration.get();
    assert.ok(h.values.some((v) => v.labels.route === '/v1/payments' && v.labels.method === 'GET'));
  });

  test('unknown paths share the "unmatched" route label', async () => {
    await s.app.inject({ method: 'GET', url: '/random/123' });
    const h = await s.metrics.httpRequestDuration.get();
    assert.ok(h.values.some((v) => v.labels.route === 'unmatched' && v.labels.status_code === 404));
    assert.ok(!h.values.some((v) => String(v.labels.route).includes('random')));
  });
});

describe('OpenAPI and docs', () => {
  let s: Stack;
  before(async () => {
    s = await createStack();
  });
  after(() => s.close());

  test('/openapi.json is OpenAPI 3.1 with every route, strict request bodies and the Payment schema', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    const ops = Object.entries(
      doc.paths as Record<string, Record<string, { responses?: object; requestBody?: unknown }>>,
    );
    const expected = [
      ['post', '/v1/payments'],
      ['post', '/v1/payments/{id}/capture'],
      ['post', '/v1/payments/{id}/cancel'],
      ['post', '/v1/payments/{id}/refunds'],
      ['get', '/v1/payments/{id}'],
      ['get', '/v1/payments/{id}/events'],
      ['get', '/v1/payments'],
      ['get', '/v1/dashboard'],
      ['get', '/v1/dashboard/timeseries'],
      ['get', '/healthz'],
      ['get', '/readyz'],
      ['get', '/metrics'],
    ];
    for (const [method, path] of expected) {
      const op = doc.paths[path!]?.[method!];
      assert.ok(op, `${method} ${path} documented`);
      assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${path} has responses`);
    }
    const create = doc.paths['/v1/payments'].post.requestBody.content['application/json'].schema;
    assert.equal(create.additionalProperties, false);
    assert.deepEqual([...create.required].sort(), ['amount', 'currency', 'payment_method']);
    assert.ok(doc.components.schemas.Payment, 'Payment component');
    assert.ok(ops.length >= 9);
  });

  test('/docs serves the Swagger UI', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /swagger/i);
  });
});

test('without a logger in deps, the log level comes from the config', async () => {
  const config = loadConfig({ env: { PAYSTREAM_LOG_LEVEL: 'warn' } });
  const unused = () => {
    throw new Error('not called');
  };
  const app = await buildApp(
    {
      commands: {
        createPayment: unused,
        capturePayment: unused,
        cancelPayment: unused,
        refundPayment: unused,
      },
      queries: {
        getPayment: unused,
        getPaymentAsOf: unused,
        listPayments: unused,
        getHistory: unused,
        dashboard: unused,
        timeseries: unused,
      },
      keys: new ApiKeys(new MemoryApiKeyStore()),
      metrics: createMetrics(),
    },
    config,
  );
  assert.equal(app.log.level, 'warn');
  await app.close();
});
