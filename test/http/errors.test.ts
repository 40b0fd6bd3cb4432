import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { ERROR_CATALOG } from '../../src/shared/errorCatalog.js';
import { auth, createStack, type Stack, SYSTEM } from './support/stack.js';

let s: Stack;
let pending: string;
let succeeded: string;

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
  pending = await create();
  succeeded = await create();
  await s.recorder.recordCapture(succeeded, { providerPaymentId: 'pi_x', amount: 1000 }, SYSTEM);
});
after(() => s.close());

interface Case {
  name: string;
  req: () => InjectOptions;
  status: number;
  code: string;
  /** A field the `errors` list must name. */
  path?: string;
}

const json = (url: string, payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url,
  headers: { ...auth(s.key.admin), 'content-type': 'application/json', ...headers },
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
});
const getReq = (url: string, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'GET',
  url,
  headers: { ...auth(s.key.admin), ...headers },
});
const valid = { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa' };
const P = '/v1/payments';

const CASES: Case[] = [
  { name: 'malformed JSON', req: () => json(P, '{"amount": 10,'), status: 400, code: 'PAY_MALFORMED_JSON' },
  {
    name: 'JSON with __proto__',
    req: () => json(P, '{"__proto__":{"x":1}}'),
    status: 400,
    code: 'PAY_MALFORMED_JSON',
  },
  { name: 'JSON array body', req: () => json(P, []), status: 400, code: 'PAY_VALIDATION', path: 'body' },
  { name: 'JSON null body', req: () => json(P, 'null'), status: 400, code: 'PAY_VALIDATION', path: 'body' },
  { name: 'empty body on create', req: () => json(P, ''), status: 400, code: 'PAY_VALIDATION', path: 'body' },
  {
    name: 'amount as a string',
    req: () => json(P, { ...valid, amount: '1000' }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body.amount',
  },
  {
    name: 'fractional amount',
    req: () => json(P, { ...valid, amount: 10.5 }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body.amount',
  },
  {
    name: 'amount beyond safe integers',
    req: () => json(P, { ...valid, amount: 1e20 }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body.amount',
  },
  {
    name: 'negative amount',
    req: () => json(P, { ...valid, amount: -5 }),
    status: 400,
    code: 'PAY_INVALID_AMOUNT',
  },
  {
    name: 'amount above the maximum',
    req: () => json(P, { ...valid, amount: 100_000_000_000 }),
    status: 400,
    code: 'PAY_INVALID_AMOUNT',
  },
  {
    name: 'unknown currency',
    req: () => json(P, { ...valid, currency: 'xyz' }),
    status: 400,
    code: 'PAY_INVALID_CURRENCY',
  },
  {
    name: 'currency not 3 letters',
    req: () => json(P, { ...valid, currency: 'dollars' }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body.currency',
  },
  {
    name: 'missing payment_method',
    req: () => json(P, { amount: 1, currency: 'usd' }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body.payment_method',
  },
  {
    name: 'unknown field',
    req: () => json(P, { ...valid, confirm: true }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body',
  },
  {
    name: 'camelCase field',
    req: () => json(P, { ...valid, paymentMethod: 'x' }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body',
  },
  {
    name: 'bad capture_method',
    req: () => json(P, { ...valid, capture_method: 'later' }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body.capture_method',
  },
  {
    name: 'metadata value not a string',
    req: () => json(P, { ...valid, metadata: { a: 1 } }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body.metadata.a',
  },
  {
    name: 'metadata with 51 keys',
    req: () =>
      json(P, {
        ...valid,
        metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
      }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body.metadata',
  },
  {
    name: 'text/plain body',
    req: () => ({
      method: 'POST',
      url: P,
      headers: { ...auth(s.key.admin), 'content-type': 'text/plain' },
      payload: 'amount=1',
    }),
    status: 415,
    code: 'PAY_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'form-encoded body',
    req: () => ({
      method: 'POST',
      url: P,
      headers: { ...auth(s.key.admin), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'amount=1000&currency=usd',
    }),
    status: 415,
    code: 'PAY_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'body above 64 KB',
    req: () => json(P, { ...valid, description: 'x'.repeat(70_000) }),
    status: 413,
    code: 'PAY_PAYLOAD_TOO_LARGE',
  },
  { name: 'unknown route', req: () => getReq('/v1/refunds'), status: 404, code: 'PAY_ROUTE_NOT_FOUND' },
  { name: 'trailing slash', req: () => json(`${P}/`, valid), status: 404, code: 'PAY_ROUTE_NOT_FOUND' },
  {
    name: 'unknown route outside /v1',
    req: () => getReq('/admin'),
    status: 404,
    code: 'PAY_ROUTE_NOT_FOUND',
  },
  {
    name: 'PUT on the collection',
    req: () => ({ ...json(P, valid), method: 'PUT' }),
    status: 405,
    code: 'PAY_METHOD_NOT_ALLOWED',
  },
  {
    name: 'DELETE a payment',
    req: () => ({ ...getReq(`${P}/${pending}`), method: 'DELETE' }),
    status: 405,
    code: 'PAY_METHOD_NOT_ALLOWED',
  },
  {
    name: 'GET on capture',
    req: () => getReq(`${P}/${pending}/capture`),
    status: 405,
    code: 'PAY_METHOD_NOT_ALLOWED',
  },
  {
    name: 'limit 0',
    req: () => getReq(`${P}?limit=0`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring.limit',
  },
  {
    name: 'limit 1000',
    req: () => getReq(`${P}?limit=1000`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring.limit',
  },
  {
    name: 'limit not a number',
    req: () => getReq(`${P}?limit=ten`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring.limit',
  },
  {
    name: 'unknown status filter',
    req: () => getReq(`${P}?status=paid`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring.status',
  },
  {
    name: 'unknown query parameter',
    req: () => getReq(`${P}?sort=amount`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring',
  },
  {
    name: 'created_gte not a time',
    req: () => getReq(`${P}?created_gte=yesterday`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring.created_gte',
  },
  {
    name: 'amount_gte negative',
    req: () => getReq(`${P}?amount_gte=-1`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring.amount_gte',
  },
  {
    name: 'as_of garbage',
    req: () => getReq(`${P}/${pending}?as_of=last-week`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring.as_of',
  },
  {
    name: 'unknown query on events',
    req: () => getReq(`${P}/${pending}/events?x=1`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring',
  },
  {
    name: 'id too long',
    req: () => getReq(`${P}/pay_${'a'.repeat(200)}`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'url',
  },
  {
    name: 'bad URL encoding',
    req: () => getReq(`${P}/pay_%zz`),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'url',
  },
  {
    name: 'timeseries bad bucket',
    req: () => getReq('/v1/dashboard/timeseries?bucket=week'),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring.bucket',
  },
  {
    name: 'timeseries without bucket',
    req: () => getReq('/v1/dashboard/timeseries'),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'querystring.bucket',
  },
  {
    name: 'malformed If-Match',
    req: () => json(`${P}/${pending}/cancel`, {}, { 'if-match': 'v3' }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'headers.if-match',
  },
  {
    name: 'Idempotency-Key too long',
    req: () => json(P, valid, { 'idempotency-key': 'k'.repeat(300) }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'headers.idempotency-key',
  },
  {
    name: 'unknown field on capture',
    req: () => json(`${P}/${pending}/capture`, { amount: 1, final: true }),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body',
  },
  {
    name: 'string body on capture',
    req: () => json(`${P}/${pending}/capture`, '"all"'),
    status: 400,
    code: 'PAY_VALIDATION',
    path: 'body',
  },
  {
    name: 'capture of a pending payment',
    req: () => json(`${P}/${pending}/capture`, {}),
    status: 409,
    code: 'PAY_CAPTURE_NOT_ALLOWED',
  },
  {
    name: 'refund of a pending payment',
    req: () => json(`${P}/${pending}/refunds`, {}),
    status: 409,
    code: 'PAY_REFUND_NOT_ALLOWED',
  },
  {
    name: 'refund above the captured amount',
    req: () => json(`${P}/${succeeded}/refunds`, { amount: 5000 }),
    status: 400,
    code: 'PAY_REFUND_EXCEEDS_CAPTURED',
  },
  {
    name: 'refund of a negative amount',
    req: () => json(`${P}/${succeeded}/refunds`, { amount: -1 }),
    status: 400,
    code: 'PAY_INVALID_AMOUNT',
  },
  {
    name: 'cancel of a succeeded payment',
    req: () => json(`${P}/${succeeded}/cancel`, {}),
    status: 409,
    code: 'PAY_CANCEL_NOT_ALLOWED',
  },
  {
    name: 'If-Match on an old version',
    req: () => json(`${P}/${pending}/cancel`, {}, { 'if-match': '"7"' }),
    status: 412,
    code: 'PAY_PRECONDITION_FAILED',
  },
];

describe('bad requests: a 4xx problem+json with a stable code, never a 5xx, nothing written', () => {
  let before: string;
  test('snapshot of the store before the table', async () => {
    before = (await s.app.inject(getReq(`${P}?limit=100`))).body;
    assert.equal(JSON.parse(before).data.length, 2);
  });

  for (const c of CASES) {
    test(`${c.name} → ${c.status} ${c.code}`, async () => {
      const req = c.req();
      const res = await s.app.inject(req);
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
    const after = (await s.app.inject(getReq(`${P}?limit=100`))).body;
    assert.equal(after, before);
  });
});
