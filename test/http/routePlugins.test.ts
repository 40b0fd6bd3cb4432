import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import type { RoutePlugin } from '../../src/http/deps.js';
import { auth, createStack, type Stack } from './support/stack.js';

/** Route plugins written the documented way (src/http/deps.ts). */
const echoRaw: RoutePlugin = async (app) => {
  app.post(
    '/v1/test/raw',
    {
      config: { scope: 'public', rawBody: true },
      schema: {
        body: z.object({ n: z.number() }).strict(),
        response: { 200: z.object({ raw: z.string() }) },
      },
    },
    async (req) => ({ raw: req.rawBody ?? '' }),
  );
  app.get(
    '/v1/test/shapes/:kind',
    { config: { scope: 'public' }, schema: { response: { 200: z.object({ ok: z.boolean() }) } } },
    async (req) => {
      const { kind } = req.params as { kind: string };
      return (kind === 'extra' ? { ok: true, internal: 'hidden' } : { ok: 'yes' }) as unknown as {
        ok: boolean;
      };
    },
  );
  app.get(
    '/v1/test/unscoped',
    { schema: { response: { 200: z.object({ ok: z.boolean() }) } } },
    async () => ({
      ok: true,
    }),
  );
};

describe('route plugins', () => {
  let s: Stack;
  before(async () => {
    s = await createStack({ plugins: [echoRaw], withOutbox: true });
  });
  after(() => s.close());

  test('config.rawBody keeps the exact body text next to the parsed body', async () => {
    const text = '{ "n" :  1 }';
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/test/raw',
      headers: { 'content-type': 'application/json' },
      payload: text,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().raw, text);
  });

  test('responses are checked against their schema: extra keys stripped, a wrong shape is a 500', async () => {
    const extra = await s.app.inject({ method: 'GET', url: '/v1/test/shapes/extra' });
    assert.equal(extra.statusCode, 200);
    assert.deepEqual(extra.json(), { ok: true });
    const wrong = await s.app.inject({ method: 'GET', url: '/v1/test/shapes/wrong' });
    assert.equal(wrong.statusCode, 500);
    assert.equal(wrong.json().code, 'PAY_INTERNAL');
    assert.equal(wrong.json().detail, 'internal error');
  });

  test('a route without a scope requires admin (deny by default)', async () => {
    const get = (key: string) =>
      s.app.inject({ method: 'GET', url: '/v1/test/unscoped', headers: auth(key) });
    assert.equal((await get(s.key.read)).statusCode, 403);
    assert.equal((await get(s.key.write)).statusCode, 403);
    assert.equal((await get(s.key.admin)).statusCode, 200);
  });

  test('with deps.outbox, buildApp registers the admin outbox routes (admin scope)', async () => {
    await s.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: auth(s.key.write),
      payload: { amount: 100, currency: 'usd', payment_method: 'pm_card_visa' },
    });
    const get = (key: string) =>
      s.app.inject({ method: 'GET', url: '/v1/outbox?state=pending', headers: auth(key) });
    assert.equal((await get(s.key.write)).statusCode, 403);
    const res = await get(s.key.admin);
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().data.length >= 1, 'the new payment queued provider work');
  });
});
