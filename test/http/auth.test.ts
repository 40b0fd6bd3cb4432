import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auth, createStack, type Stack } from './support/stack.js';

const NEW = { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa' };

describe('authentication and scopes', () => {
  let s: Stack;
  before(async () => {
    s = await createStack();
  });
  after(() => s.close());

  const list = (headers: Record<string, string>) =>
    s.app.inject({ method: 'GET', url: '/v1/payments', headers });

  async function expect401(headers: Record<string, string>, label: string) {
    const res = await list(headers);
    assert.equal(res.statusCode, 401, label);
    assert.equal(res.json().code, 'PAY_UNAUTHENTICATED', label);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="paystream"', label);
    assert.match(String(res.headers['content-type']), /problem\+json/);
  }

  test('no key, another scheme, a malformed key, an unknown key and a wrong secret are all 401', async () => {
    const [, id, secret] = s.key.read.split('_');
    const flipped = secret!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    await expect401({}, 'no header');
    await expect401({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'basic');
    await expect401(auth('sk_test_123'), 'malformed');
    await expect401(auth(`psk_${'0'.repeat(16)}_${secret}`), 'unknown id');
    await expect401(auth(`psk_${id}_${flipped}`), 'wrong secret');
  });

  test('a revoked key is refused at once', async () => {
    const { id, key } = await s.keys.createKey({ scopes: ['payments:read'], name: 'temp' });
    assert.equal((await list(auth(key))).statusCode, 200);
    await s.keys.revokeKey(id);
    await expect401(auth(key), 'revoked');
  });

  test('a read key cannot write: 403 PAY_FORBIDDEN, nothing created', async () => {
    const before = (await list(auth(s.key.read))).json().data.length;
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: auth(s.key.read),
      payload: NEW,
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'PAY_FORBIDDEN');
    assert.equal((await list(auth(s.key.read))).json().data.length, before);
  });

  test('write and admin keys can read; read, write and admin keys are told apart per route', async () => {
    assert.equal((await list(auth(s.key.write))).statusCode, 200);
    assert.equal((await list(auth(s.key.admin))).statusCode, 200);
    const created = await s.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: auth(s.key.admin),
      payload: NEW,
    });
    assert.equal(created.statusCode, 202);
  });

  test('the key is checked before the body is parsed: an anonymous bad body is 401', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    assert.equal(res.statusCode, 401);
  });

  test('/healthz, /readyz, /openapi.json, /docs and /metrics need no key', async () => {
    for (const url of ['/healthz', '/readyz', '/openapi.json', '/docs', '/metrics']) {
      const res = await s.app.inject({ method: 'GET', url });
      assert.ok(res.statusCode === 200 || res.statusCode === 302, `${url}: ${res.statusCode}`);
    }
  });

  test('an unknown route is 404 even without a key', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/v2/anything' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'PAY_ROUTE_NOT_FOUND');
  });
});

describe('metricsAuth', () => {
  let s: Stack;
  before(async () => {
    s = await createStack({ config: { auth: { metricsAuth: true } } });
  });
  after(() => s.close());

  test('GET /metrics then needs an admin key', async () => {
    const get = (headers: Record<string, string>) =>
      s.app.inject({ method: 'GET', url: '/metrics', headers });
    assert.equal((await get({})).statusCode, 401);
    assert.equal((await get(auth(s.key.read))).statusCode, 403);
    const ok = await get(auth(s.key.admin));
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /http_request_duration_seconds/);
    assert.equal(
      (await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode,
      200,
      'health stays open',
    );
  });
});

describe('rate limit per API key', () => {
  let s: Stack;
  before(async () => {
    s = await createStack({ config: { limits: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } } });
  });
  after(() => s.close());

  test('the 4th request of a key in the window is 429 PAY_RATE_LIMITED; other keys are unaffected', async () => {
    const get = (key: string) => s.app.inject({ method: 'GET', url: '/v1/payments', headers: auth(key) });
    for (let i = 0; i < 3; i++) assert.equal((await get(s.key.read)).statusCode, 200);
    const limited = await get(s.key.read);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().code, 'PAY_RATE_LIMITED');
    assert.match(String(limited.headers['content-type']), /problem\+json/);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await get(s.key.admin)).statusCode, 200, 'another key has its own budget');
    assert.equal(
      (await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode,
      200,
      'open routes are not limited',
    );
  });
});
