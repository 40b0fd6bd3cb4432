import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/http/server.js';
import type { PaymentCommandService } from '../../src/payments/services.js';
import { auth, createStack, type Stack } from './support/stack.js';

const NEW = { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa' };
const listenConfig = (shutdownTimeoutMs = 5000) =>
  loadConfig({ env: {}, overrides: { server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs } } });

describe('a real listening server', () => {
  test('serves the API over loopback: create, read, 413 and 404 as problem+json', async () => {
    const s = await createStack();
    const server = await startServer(s.app, listenConfig());
    after(async () => {
      await server.shutdown();
      await s.close();
    });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${server.url}/v1/payments`, {
      method: 'POST',
      headers: { ...auth(s.key.write), 'content-type': 'application/json', 'x-request-id': 'live-1' },
      body: JSON.stringify(NEW),
    });
    assert.equal(created.status, 202);
    assert.equal(created.headers.get('x-request-id'), 'live-1');
    const payment = (await created.json()) as { id: string; version: number };
    const read = await fetch(`${server.url}/v1/payments/${payment.id}`, { headers: auth(s.key.read) });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), `"${payment.version}"`);
    const big = await fetch(`${server.url}/v1/payments`, {
      method: 'POST',
      headers: { ...auth(s.key.write), 'content-type': 'application/json' },
      body: JSON.stringify({ ...NEW, description: 'x'.repeat(100_000) }),
    });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { code: string }).code, 'PAY_PAYLOAD_TOO_LARGE');
    const missing = await fetch(`${server.url}/nope`);
    assert.equal(missing.status, 404);
    assert.match(String(missing.headers.get('content-type')), /^application\/problem\+json/);
  });

  test('graceful shutdown: readiness off, in-flight request answered, then close callbacks in order', async () => {
    const order: string[] = [];
    let stack: Stack | undefined;
    const close = [
      async () => {
        order.push(`close1:${stack?.app.lifecycle.status}`);
      },
      async () => {
        order.push('close2');
      },
    ];
    // paymentWaitMs is long and nothing settles the payment: the request is in flight at shutdown.
    stack = await createStack({ config: { api: { paymentWaitMs: 30_000 } }, deps: { close } });
    const server = await startServer(stack.app, listenConfig());
    const arrived = new Promise<void>((resolve) => {
      stack.app.server.on('request', (_req, res) => {
        res.on('finish', () => order.push('response finished'));
        resolve();
      });
    });
    const pending = fetch(`${server.url}/v1/payments`, {
      method: 'POST',
      headers: { ...auth(stack.key.write), 'content-type': 'application/json' },
      body: JSON.stringify(NEW),
    }).catch((e: Error) => e);
    await arrived;
    const result = await server.shutdown('test');
    const res = await pending;
    assert.ok(!(res instanceof Error), `the in-flight request got an answer: ${res}`);
    assert.equal(res.status, 202, 'the outcome wait ends early at shutdown with the payment as it is');
    assert.equal(result.timedOut, false);
    assert.deepEqual(order, ['response finished', 'close1:stopping', 'close2']);
    await fetch(`${server.url}/healthz`).then(
      () => assert.fail('no longer accepting connections'),
      () => {},
    );
    await stack.close();
  });

  test('shutdown is bounded: a request that never ends is cut and the close callbacks still run', async () => {
    const closed: string[] = [];
    let release!: () => void;
    const never = new Promise<never>((_, reject) => {
      release = () => reject(new Error('released'));
    });
    const hang = (inner: PaymentCommandService): PaymentCommandService => ({
      createPayment: () => never,
      capturePayment: inner.capturePayment.bind(inner),
      cancelPayment: inner.cancelPayment.bind(inner),
      refundPayment: inner.refundPayment.bind(inner),
    });
    const s = await createStack({
      wrapCommands: hang,
      deps: { close: [async () => void closed.push('flushed')] },
    });
    const server = await startServer(s.app, listenConfig(150));
    const arrived = new Promise<void>((resolve) => s.app.server.once('request', () => resolve()));
    const stuck = fetch(`${server.url}/v1/payments`, {
      method: 'POST',
      headers: { ...auth(s.key.write), 'content-type': 'application/json' },
      body: JSON.stringify(NEW),
    }).catch((e: Error) => e);
    await arrived;
    const started = Date.now();
    const result = await server.shutdown();
    assert.equal(result.timedOut, true);
    assert.ok(Date.now() - started < 2000, 'bounded');
    assert.deepEqual(closed, ['flushed']);
    assert.ok((await stuck) instanceof Error, 'the stuck connection was cut');
    release();
    await s.close();
  });
});
