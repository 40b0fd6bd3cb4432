/**
 * The table of bad requests for test/http/errors.test.ts: each must get a 4xx problem+json with the
 * stable code shown (never a 5xx), and write nothing.
 */
import type { InjectOptions } from 'fastify';
import { auth } from './stack.js';

export interface BadRequest {
  name: string;
  status: number;
  code: string;
  req: () => InjectOptions;
  /** A field the `errors` list must name. */
  path?: string;
}

/** What the table needs: an admin key, a pending and a succeeded payment (read when each case runs). */
export interface Fixture {
  admin: string;
  pending: string;
  succeeded: string;
}

const P = '/v1/payments';
const valid = { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa' };

function row(
  name: string,
  status: number,
  code: string,
  req: () => InjectOptions,
  path?: string,
): BadRequest {
  return path === undefined ? { name, status, code, req } : { name, status, code, req, path };
}

export function badRequests(f: Fixture): BadRequest[] {
  const json = (url: string, payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
    method: 'POST',
    url,
    headers: { ...auth(f.admin), 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  const getReq = (url: string): InjectOptions => ({ method: 'GET', url, headers: auth(f.admin) });
  const raw = (contentType: string, payload: string): InjectOptions => ({
    method: 'POST',
    url: P,
    headers: { ...auth(f.admin), 'content-type': contentType },
    payload,
  });
  return [
    row('malformed JSON', 400, 'PAY_MALFORMED_JSON', () => json(P, '{"amount": 10,')),
    row('JSON with __proto__', 400, 'PAY_MALFORMED_JSON', () => json(P, '{"__proto__":{"x":1}}')),
    row('JSON array body', 400, 'PAY_VALIDATION', () => json(P, []), 'body'),
    row('JSON null body', 400, 'PAY_VALIDATION', () => json(P, 'null'), 'body'),
    row('empty body on create', 400, 'PAY_VALIDATION', () => json(P, ''), 'body'),
    row(
      'amount as a string',
      400,
      'PAY_VALIDATION',
      () => json(P, { ...valid, amount: '1000' }),
      'body.amount',
    ),
    row('fractional amount', 400, 'PAY_VALIDATION', () => json(P, { ...valid, amount: 10.5 }), 'body.amount'),
    row(
      'amount beyond safe integers',
      400,
      'PAY_VALIDATION',
      () => json(P, { ...valid, amount: 1e20 }),
      'body.amount',
    ),
    row('negative amount', 400, 'PAY_INVALID_AMOUNT', () => json(P, { ...valid, amount: -5 })),
    row('amount above the maximum', 400, 'PAY_INVALID_AMOUNT', () =>
      json(P, { ...valid, amount: 100_000_000_000 }),
    ),
    row('unknown currency', 400, 'PAY_INVALID_CURRENCY', () => json(P, { ...valid, currency: 'xyz' })),
    row(
      'currency not 3 letters',
      400,
      'PAY_VALIDATION',
      () => json(P, { ...valid, currency: 'dollars' }),
      'body.currency',
    ),
    row(
      'missing payment_method',
      400,
      'PAY_VALIDATION',
      () => json(P, { amount: 1, currency: 'usd' }),
      'body.payment_method',
    ),
    row('unknown field', 400, 'PAY_VALIDATION', () => json(P, { ...valid, confirm: true }), 'body'),
    row('camelCase field', 400, 'PAY_VALIDATION', () => json(P, { ...valid, paymentMethod: 'x' }), 'body'),
    row(
      'bad capture_method',
      400,
      'PAY_VALIDATION',
      () => json(P, { ...valid, capture_method: 'later' }),
      'body.capture_method',
    ),
    row(
      'metadata value not a string',
      400,
      'PAY_VALIDATION',
      () => json(P, { ...valid, metadata: { a: 1 } }),
      'body.metadata.a',
    ),
    row(
      'metadata with 51 keys',
      400,
      'PAY_VALIDATION',
      () =>
        json(P, {
          ...valid,
          metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
        }),
      'body.metadata',
    ),
    row('text/plain body', 415, 'PAY_UNSUPPORTED_MEDIA_TYPE', () => raw('text/plain', 'amount=1')),
    row('form-encoded body', 415, 'PAY_UNSUPPORTED_MEDIA_TYPE', () =>
      raw('application/x-www-form-urlencoded', 'amount=1000&currency=usd'),
    ),
    row('body above 64 KB', 413, 'PAY_PAYLOAD_TOO_LARGE', () =>
      json(P, { ...valid, description: 'x'.repeat(70_000) }),
    ),
    row('unknown route', 404, 'PAY_ROUTE_NOT_FOUND', () => getReq('/v1/refunds')),
    row('trailing slash', 404, 'PAY_ROUTE_NOT_FOUND', () => json(`${P}/`, valid)),
    row('unknown route outside /v1', 404, 'PAY_ROUTE_NOT_FOUND', () => getReq('/admin')),
    row('PUT on the collection', 405, 'PAY_METHOD_NOT_ALLOWED', () => ({ ...json(P, valid), method: 'PUT' })),
    row('DELETE a payment', 405, 'PAY_METHOD_NOT_ALLOWED', () => ({
      ...getReq(`${P}/${f.pending}`),
      method: 'DELETE',
    })),
    row('GET on capture', 405, 'PAY_METHOD_NOT_ALLOWED', () => getReq(`${P}/${f.pending}/capture`)),
    row('limit 0', 400, 'PAY_VALIDATION', () => getReq(`${P}?limit=0`), 'querystring.limit'),
    row('limit 1000', 400, 'PAY_VALIDATION', () => getReq(`${P}?limit=1000`), 'querystring.limit'),
    row('limit not a number', 400, 'PAY_VALIDATION', () => getReq(`${P}?limit=ten`), 'querystring.limit'),
    row(
      'unknown status filter',
      400,
      'PAY_VALIDATION',
      () => getReq(`${P}?status=paid`),
      'querystring.status',
    ),
    row('unknown query parameter', 400, 'PAY_VALIDATION', () => getReq(`${P}?sort=amount`), 'querystring'),
    row(
      'created_gte not a time',
      400,
      'PAY_VALIDATION',
      () => getReq(`${P}?created_gte=yesterday`),
      'querystring.created_gte',
    ),
    row(
      'amount_gte negative',
      400,
      'PAY_VALIDATION',
      () => getReq(`${P}?amount_gte=-1`),
      'querystring.amount_gte',
    ),
    row(
      'as_of garbage',
      400,
      'PAY_VALIDATION',
      () => getReq(`${P}/${f.pending}?as_of=last-week`),
      'querystring.as_of',
    ),
    row(
      'unknown query on events',
      400,
      'PAY_VALIDATION',
      () => getReq(`${P}/${f.pending}/events?x=1`),
      'querystring',
    ),
    row('id too long', 400, 'PAY_VALIDATION', () => getReq(`${P}/pay_${'a'.repeat(200)}`), 'url'),
    row('bad URL encoding', 400, 'PAY_VALIDATION', () => getReq(`${P}/pay_%zz`), 'url'),
    row(
      'timeseries bad bucket',
      400,
      'PAY_VALIDATION',
      () => getReq('/v1/dashboard/timeseries?bucket=week'),
      'querystring.bucket',
    ),
    row(
      'timeseries without bucket',
      400,
      'PAY_VALIDATION',
      () => getReq('/v1/dashboard/timeseries'),
      'querystring.bucket',
    ),
    row(
      'malformed If-Match',
      400,
      'PAY_VALIDATION',
      () => json(`${P}/${f.pending}/cancel`, {}, { 'if-match': 'v3' }),
      'headers.if-match',
    ),
    row(
      'Idempotency-Key too long',
      400,
      'PAY_VALIDATION',
      () => json(P, valid, { 'idempotency-key': 'k'.repeat(300) }),
      'headers.idempotency-key',
    ),
    row(
      'unknown field on capture',
      400,
      'PAY_VALIDATION',
      () => json(`${P}/${f.pending}/capture`, { amount: 1, final: true }),
      'body',
    ),
    row(
      'string body on capture',
      400,
      'PAY_VALIDATION',
      () => json(`${P}/${f.pending}/capture`, '"all"'),
      'body',
    ),
    row('capture of a pending payment', 409, 'PAY_CAPTURE_NOT_ALLOWED', () =>
      json(`${P}/${f.pending}/capture`, {}),
    ),
    row('refund of a pending payment', 409, 'PAY_REFUND_NOT_ALLOWED', () =>
      json(`${P}/${f.pending}/refunds`, {}),
    ),
    row('refund above the captured amount', 400, 'PAY_REFUND_EXCEEDS_CAPTURED', () =>
      json(`${P}/${f.succeeded}/refunds`, { amount: 5000 }),
    ),
    row('refund of a negative amount', 400, 'PAY_INVALID_AMOUNT', () =>
      json(`${P}/${f.succeeded}/refunds`, { amount: -1 }),
    ),
    row('cancel of a succeeded payment', 409, 'PAY_CANCEL_NOT_ALLOWED', () =>
      json(`${P}/${f.succeeded}/cancel`, {}),
    ),
    row('If-Match on an old version', 412, 'PAY_PRECONDITION_FAILED', () =>
      json(`${P}/${f.pending}/cancel`, {}, { 'if-match': '"7"' }),
    ),
  ];
}
