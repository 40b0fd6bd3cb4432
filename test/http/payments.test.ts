import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PaymentView } from '../../src/payments/views.js';
import { auth, createStack, type Stack, SYSTEM } from './support/stack.js';

let s: Stack;
before(async () => {
  s = await createStack();
});
after(() => s.close());

const NEW = { amount: 2500, currency: 'usd', payment_method: 'pm_card_visa' };

async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return s.app.inject({
    method: 'POST',
    url,
    payload: payload as object,
    headers: { ...auth(s.key.write), ...headers },
  });
}

async function get(url: string, headers: Record<string, string> = {}) {
  return s.app.inject({ method: 'GET', url, headers: { ...auth(s.key.read), ...headers } });
}

async function create(body: object = NEW, headers: Record<string, string> = {}): Promise<PaymentView> {
  const res = await post('/v1/payments', body, headers);
  assert.equal(res.statusCode, 202, res.body);
  return res.json();
}

async function authorized(amount = 5000): Promise<PaymentView> {
  const p = await create({ ...NEW, amount, capture_method: 'manual' });
  await s.recorder.recordAuthorization(
    p.id,
    { providerPaymentId: `pi_${p.id}`, amountAuthorized: amount },
    SYSTEM,
  );
  return p;
}

async function succeeded(amount = 4000): Promise<PaymentView> {
  const p = await create({ ...NEW, amount });
  await s.recorder.recordCapture(p.id, { providerPaymentId: `pi_${p.id}`, amount }, SYSTEM);
  return p;
}

describe('POST /v1/payments', () => {
  test('202 with the pending payment, Location, ETag and the read-your-writes checkpoint', async () => {
    const body = { ...NEW, customer: 'cus_1', description: 'order 7', metadata: { order: '7' } };
    const res = await post('/v1/payments', body);
    assert.equal(res.statusCode, 202);
    const p = res.json() as PaymentView;
    assert.match(p.id, /^pay_[0-9a-f]{32}$/);
    assert.equal(p.status, 'pending');
    assert.deepEqual(
      [p.amount, p.currency, p.payment_method, p.customer, p.description, p.metadata, p.capture_method],
      [2500, 'usd', 'pm_card_visa', 'cus_1', 'order 7', { order: '7' }, 'automatic'],
    );
    assert.equal(res.headers.location, `/v1/payments/${p.id}`);
    assert.equal(res.headers.etag, `"${p.version}"`);
    assert.ok(String(res.headers['paystream-checkpoint']).length > 0);
    assert.equal(res.headers['idempotent-replayed'], undefined);
  });

  test('an Idempotency-Key replay answers the same payment with Idempotent-Replayed: true', async () => {
    const headers = { 'idempotency-key': 'order-42' };
    const first = await post('/v1/payments', NEW, headers);
    const again = await post('/v1/payments', NEW, headers);
    assert.equal(first.statusCode, 202);
    assert.equal(again.statusCode, 202);
    assert.equal(again.json().id, first.json().id);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    const list = await get('/v1/payments?limit=100');
    assert.equal(list.json().data.filter((p: PaymentView) => p.id === first.json().id).length, 1);
  });

  test('the same Idempotency-Key with another body is 422 PAY_IDEMPOTENCY_MISMATCH', async () => {
    const headers = { 'idempotency-key': 'order-43' };
    assert.equal((await post('/v1/payments', NEW, headers)).statusCode, 202);
    const res = await post('/v1/payments', { ...NEW, amount: 9999 }, headers);
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, 'PAY_IDEMPOTENCY_MISMATCH');
  });

  test('a domain rejection keeps its catalog code: amount 0 is 400 PAY_INVALID_AMOUNT', async () => {
    const res = await post('/v1/payments', { ...NEW, amount: 0 });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'PAY_INVALID_AMOUNT');
  });

  test('the X-Request-Id and the key id are stored in the events metadata', async () => {
    const p = await create(NEW, { 'x-request-id': 'req-trace-1' });
    const events = await get(`/v1/payments/${p.id}/events`);
    assert.equal(events.statusCode, 200);
    const [first] = events.json().data;
    assert.equal(first.type, 'PaymentRequested');
    assert.equal(first.metadata.correlationId, 'req-trace-1');
    const writer = (await s.keys.listKeys()).find((k) => k.name === 'writer');
    assert.equal(first.metadata.actor, writer?.id);
  });
});

describe('capture, cancel, refund', () => {
  test('capture of an authorized payment: 200 with the payment, ETag and checkpoint', async () => {
    const p = await authorized(5000);
    const res = await post(`/v1/payments/${p.id}/capture`, { amount: 3000 });
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json() as PaymentView;
    assert.equal(view.id, p.id);
    assert.ok(view.version > p.version);
    assert.equal(res.headers.etag, `"${view.version}"`);
    assert.ok(res.headers['paystream-checkpoint']);
  });

  test('capture without a body captures the whole amount', async () => {
    const p = await authorized(5000);
    const res = await s.app.inject({
      method: 'POST',
      url: `/v1/payments/${p.id}/capture`,
      headers: auth(s.key.write),
    });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('cancel of a pending payment: 200, canceled, with the reason', async () => {
    const p = await create();
    const res = await post(`/v1/payments/${p.id}/cancel`, { reason: 'requested_by_customer' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'canceled');
    assert.equal(res.json().cancellation_reason, 'requested_by_customer');
  });

  test('refund of a succeeded payment: 200 with the new pending refund', async () => {
    const p = await succeeded(4000);
    const res = await post(`/v1/payments/${p.id}/refunds`, { amount: 1500, reason: 'duplicate' });
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json() as PaymentView;
    assert.equal(view.refunds.length, 1);
    assert.deepEqual([view.refunds[0]!.amount, view.refunds[0]!.reason], [1500, 'duplicate']);
  });

  test('a refund retried with its Idempotency-Key is replayed, not refunded twice', async () => {
    const p = await succeeded(3000);
    const headers = { 'idempotency-key': `refund-${p.id}` };
    const first = await post(`/v1/payments/${p.id}/refunds`, { amount: 1000 }, headers);
    const again = await post(`/v1/payments/${p.id}/refunds`, { amount: 1000 }, headers);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().refunds.length, 1);
    assert.equal(again.headers['paystream-checkpoint'], first.headers['paystream-checkpoint']);
  });

  test('a state conflict is 409 with the domain code (cancel a canceled payment)', async () => {
    const p = await create();
    assert.equal((await post(`/v1/payments/${p.id}/cancel`, {})).statusCode, 200);
    const res = await post(`/v1/payments/${p.id}/cancel`, {});
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'PAY_CANCEL_NOT_ALLOWED');
  });

  test('If-Match with the current version applies; with an old one it is 412 and writes nothing', async () => {
    const p = await authorized(5000);
    const current = (await get(`/v1/payments/${p.id}`)).headers.etag as string;
    const stale = await post(`/v1/payments/${p.id}/capture`, {}, { 'if-match': `"${p.version}"` });
    assert.equal(stale.statusCode, 412, stale.body);
    assert.equal(stale.json().code, 'PAY_PRECONDITION_FAILED');
    assert.equal((await get(`/v1/payments/${p.id}`)).headers.etag, current, 'nothing written');
    const ok = await post(`/v1/payments/${p.id}/capture`, {}, { 'if-match': current });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  test('a mutation of an unknown payment is 404 PAY_NOT_FOUND', async () => {
    const res = await post(`/v1/payments/pay_${'0'.repeat(32)}/cancel`, {});
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'PAY_NOT_FOUND');
  });
});

describe('reads', () => {
  test('GET a payment: 200 with ETag; If-None-Match with it is 304', async () => {
    const p = await create();
    const res = await get(`/v1/payments/${p.id}`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), p);
    assert.equal(res.headers.etag, `"${p.version}"`);
    const again = await get(`/v1/payments/${p.id}`, { 'if-none-match': res.headers.etag as string });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const weakList = await get(`/v1/payments/${p.id}`, { 'if-none-match': `"999", W/"${p.version}"` });
    assert.equal(weakList.statusCode, 304);
    const other = await get(`/v1/payments/${p.id}`, { 'if-none-match': '"999"' });
    assert.equal(other.statusCode, 200);
  });

  test('GET with a min checkpoint (query or header) reads the write', async () => {
    const p = await authorized(5000);
    const cap = await post(`/v1/payments/${p.id}/capture`, {});
    const cp = cap.headers['paystream-checkpoint'] as string;
    const byQuery = await get(`/v1/payments/${p.id}?min_checkpoint=${cp}`);
    const byHeader = await get(`/v1/payments/${p.id}`, { 'paystream-min-checkpoint': cp });
    assert.equal(byQuery.json().version, cap.json().version);
    assert.equal(byHeader.json().version, cap.json().version);
  });

  test('as_of a version or a time rebuilds the payment as it was', async () => {
    const p = await create();
    const before = new Date().toISOString();
    // Times have millisecond precision: let the clock pass `before`, or the cancel could be
    // recorded in that same millisecond and belong to the state "as of" it.
    while (Date.now() <= Date.parse(before)) await new Promise((resolve) => setImmediate(resolve));
    await post(`/v1/payments/${p.id}/cancel`, {});
    const v1 = await get(`/v1/payments/${p.id}?as_of=1`);
    assert.equal(v1.statusCode, 200);
    assert.equal(v1.json().status, 'pending');
    assert.equal(v1.headers.etag, '"1"');
    const atTime = await get(`/v1/payments/${p.id}?as_of=${encodeURIComponent(before)}`);
    assert.equal(atTime.json().status, 'pending');
    assert.equal((await get(`/v1/payments/${p.id}`)).json().status, 'canceled');
  });

  test('an unknown payment is 404 PAY_NOT_FOUND (payment and events)', async () => {
    for (const url of [`/v1/payments/pay_${'f'.repeat(32)}`, `/v1/payments/pay_${'f'.repeat(32)}/events`]) {
      const res = await get(url);
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().code, 'PAY_NOT_FOUND');
    }
  });

  test('the list filters by status, currency, customer and amount, pages with starting_after', async () => {
    const mine = [];
    for (let i = 0; i < 3; i++)
      mine.push(await create({ ...NEW, currency: 'eur', customer: 'cus_list', amount: 100 + i }));
    const page1 = await get(
      '/v1/payments?customer=cus_list&currency=EUR&status=pending&amount_gte=100&limit=2',
    );
    assert.equal(page1.statusCode, 200, page1.body);
    assert.deepEqual(
      page1.json().data.map((p: PaymentView) => p.id),
      [mine[2]!.id, mine[1]!.id],
    );
    assert.equal(page1.json().has_more, true);
    const page2 = await get(`/v1/payments?customer=cus_list&limit=2&starting_after=${mine[1]!.id}`);
    assert.deepEqual(
      page2.json().data.map((p: PaymentView) => p.id),
      [mine[0]!.id],
    );
    assert.equal(page2.json().has_more, false);
    const capped = await get('/v1/payments?customer=cus_list&amount_lte=100');
    assert.deepEqual(
      capped.json().data.map((p: PaymentView) => p.id),
      [mine[0]!.id],
    );
  });

  test('dashboard and timeseries aggregate the payments', async () => {
    await succeeded(700);
    const dash = await get('/v1/dashboard');
    assert.equal(dash.statusCode, 200, dash.body);
    const usd = dash.json().currencies.find((c: { currency: string }) => c.currency === 'usd');
    assert.ok(usd.succeeded >= 1);
    assert.ok(usd.amount_captured >= 700);
    const ts = await get('/v1/dashboard/timeseries?bucket=hour&currency=usd');
    assert.equal(ts.statusCode, 200, ts.body);
    assert.ok(ts.json().data.length >= 1);
    assert.ok(ts.json().data.every((pt: { currency: string }) => pt.currency === 'usd'));
  });
});
