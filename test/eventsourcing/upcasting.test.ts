import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handleCommand } from '../../src/eventsourcing/commandHandler.js';
import type { RecordedEvent } from '../../src/eventsourcing/eventStore.js';
import { loadAggregate } from '../../src/eventsourcing/loadAggregate.js';
import { MemoryEventStore } from '../../src/eventsourcing/memory/memoryEventStore.js';
import { UpcasterRegistry } from '../../src/eventsourcing/upcasting.js';
import { paymentDecider } from '../../src/payments/domain/payment.js';
import { paymentUpcasters } from '../../src/payments/domain/upcasters.js';

const v1Requested = {
  paymentId: 'pay_old',
  amount: 500,
  currency: 'usd',
  paymentMethod: 'pm_card_visa',
  customer: null,
  description: 'legacy',
  requestedAt: '2025-01-01T00:00:00.000Z',
};

test('a stored v1 PaymentRequested is read as v2 (automatic capture, empty metadata)', async () => {
  const store = new MemoryEventStore();
  await store.append('payment-pay_old', [{ type: 'PaymentRequested', schemaVersion: 1, data: v1Requested }]);
  const [raw] = await store.readStream('payment-pay_old');
  const upcast = paymentUpcasters.upcast(raw as RecordedEvent);
  assert.equal(upcast.schemaVersion, 2);
  assert.deepEqual(upcast.data, { ...v1Requested, captureMethod: 'automatic', metadata: {} });
  const loaded = await loadAggregate({
    store,
    decider: paymentDecider,
    streamId: 'payment-pay_old',
    upcasters: paymentUpcasters,
  });
  assert.deepEqual([loaded.state?.captureMethod, loaded.state?.metadata], ['automatic', {}]);
});

test('the handler writes new events at the current schema version and decides on upcast state', async () => {
  const store = new MemoryEventStore();
  await store.append('payment-pay_old', [{ type: 'PaymentRequested', schemaVersion: 1, data: v1Requested }]);
  await handleCommand({
    store,
    decider: paymentDecider,
    streamId: 'payment-pay_old',
    upcasters: paymentUpcasters,
    command: { type: 'RecordSubmission', providerPaymentId: 'pi_1', at: '2025-01-01T00:00:01.000Z' },
  });
  await handleCommand({
    store,
    decider: paymentDecider,
    streamId: 'payment-pay_new',
    upcasters: paymentUpcasters,
    command: {
      ...v1Requested,
      type: 'RequestPayment',
      paymentId: 'pay_new',
      captureMethod: 'manual',
      metadata: {},
      at: 'x',
    },
  });
  const versions = (await store.readAll()).map((e) => [e.type, e.schemaVersion]);
  assert.deepEqual(versions, [
    ['PaymentRequested', 1],
    ['PaymentSubmitted', 1],
    ['PaymentRequested', 2],
  ]);
});

test('upcasters chain across versions and leave current events untouched', () => {
  const reg = new UpcasterRegistry()
    .register('E', 1, (d) => ({ ...(d as object), b: 2 }))
    .register('E', 2, (d) => ({ ...(d as object), c: 3 }));
  const base = {
    id: 'x',
    streamId: 's',
    streamVersion: 1,
    globalPosition: 1,
    checkpoint: '1',
    type: 'E',
    metadata: {},
    recordedAt: new Date(0),
  };
  assert.equal(reg.currentVersion('E'), 3);
  assert.equal(reg.currentVersion('Other'), 1);
  assert.deepEqual(reg.upcast({ ...base, schemaVersion: 1, data: { a: 1 } }).data, { a: 1, b: 2, c: 3 });
  const current = { ...base, schemaVersion: 3, data: { a: 9 } };
  assert.equal(reg.upcast(current), current);
  assert.throws(() => reg.register('E', 1, (d) => d), /already registered/);
});
