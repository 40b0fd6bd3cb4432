import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_CATALOG } from '../../src/shared/errorCatalog.js';
import { badRequests } from './support/badRequests.js';
import { auth, createStack, type Stack, SYSTEM } from './support/stack.js';

let s: Stack;
const fixture = { admin: '', pending: '', succeeded: '' };

before(async () => {
  s = await createStack();
  const create = async () =>
    (
      await s.app.inject({
        method: 'POST',
        url: '/v1/payments',
        headers: auth(s.key.write),
        payload: { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa' },
      })
    ).json().id as string;
  fixture.admin = s.key.admin;
  fixture.pending = await create();
  fixture.succeeded = await create();
  await s.recorder.recordCapture(fixture.succeeded, { providerPaymentId: 'pi_x', amount: 1000 }, SYSTEM);
});
after(() => s.close());

const list = () => s.app.inject({ method: 'GET', url: '/v1/payments?limit=100', headers: auth(s.key.admin) });

describe('bad requests: a 4xx problem+json with a stable code, never a 5xx, nothing written', () => {
  let before: string;
  test('snapshot of the store before the table', async () => {
    before = (await list()).body;
    assert.equal(JSON.parse(before).data.length, 2);
  });

  for (const c of badRequests(fixture)) {
    test(`${c.name} → ${c.status} ${c.code}`, async () => {
      const res = await s.app.inject(c.req());
      assert.ok(res.statusCode < 500, `no 5xx: ${res.body}`);
      assert.equal(res.statusCode, c.status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = res.json();
      assert.equal(body.code, c.code);
      assert.equal(body.status, c.status);
      assert.equal(body.type, `urn:paystream:error:${c.code}`);
      assert.equal(body.title, ERROR_CATALOG[c.code as keyof typeof ERROR_CATALOG].title);
      assert.equal(typeof body.detail, 'string');
      assert.equal(body.instance, `urn:paystream:request:${res.headers['x-request-id']}`);
      if (c.path) {
        assert.ok(
          body.errors?.some((e: { path: string }) => e.path === c.path),
          `errors name ${c.path}: ${JSON.stringify(body.errors)}`,
        );
      }
      if (c.code === 'PAY_METHOD_NOT_ALLOWED')
        assert.ok(String(res.headers.allow).length > 0, 'Allow header');
    });
  }

  test('nothing was written by any of them', async () => {
    assert.equal((await list()).body, before);
  });
});
