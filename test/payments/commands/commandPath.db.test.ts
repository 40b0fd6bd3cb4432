/**
 * The command path on the real stores (SQLite, PostgreSQL): concurrent duplicates, concurrent
 * writers on one payment, snapshots. The memory store's tests cover the rest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventStore, IdempotencyStore, SnapshotStore } from '../../../src/eventsourcing/eventStore.js';
import { loadAggregate } from '../../../src/eventsourcing/loadAggregate.js';
import { PostgresEventStore } from '../../../src/eventsourcing/postgres/postgresEventStore.js';
import { EventSourcedPaymentCommandService } from '../../../src/payments/commands/paymentCommandService.js';
import { PaymentRecorder } from '../../../src/payments/commands/paymentRecorder.js';
import type { PaymentEvent } from '../../../src/payments/domain/events.js';
import { paymentStreamId } from '../../../src/payments/domain/events.js';
import { foldPayment, paymentDecider } from '../../../src/payments/domain/payment.js';
import { paymentUpcasters } from '../../../src/payments/domain/upcasters.js';
import { openTempStore } from '../../eventsourcing/sqliteTemp.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

type Store = EventStore & IdempotencyStore & SnapshotStore;
interface Opened {
  store: Store;
  outboxKinds: (streamId: string) => Promise<string[]>;
  cleanup: () => Promise<void>;
}

const ctx = { actor: 'key_1', correlationId: 'req-1' };
const system = { actor: 'system:test', correlationId: 'job-1' };
const input = { amount: 1000, currency: 'usd', paymentMethod: 'pm_card_visa' };

function suite(name: string, open: () => Promise<Opened>) {
  describe(`command path on ${name}`, () => {
    test('concurrent duplicates of one idempotency key create exactly one payment', async () => {
      const { store, outboxKinds, cleanup } = await open();
      try {
        const service = new EventSourcedPaymentCommandService({ store, snapshots: store });
        const k = { ...ctx, idempotencyKey: `race-${Math.random()}` };
        const results = await Promise.all(Array.from({ length: 16 }, () => service.createPayment(input, k)));
        const ids = new Set(results.map((r) => r.paymentId));
        assert.equal(ids.size, 1);
        assert.equal(results.filter((r) => !r.replayed).length, 1);
        const [id] = [...ids];
        assert.equal(await store.streamVersion(paymentStreamId(id!)), 1);
        assert.deepEqual(await outboxKinds(paymentStreamId(id!)), ['provider.create_payment']);
        for (const r of results) assert.deepEqual([r.checkpoint, r.version], [results[0]?.checkpoint, 1]);
      } finally {
        await cleanup();
      }
    });

    test('a command with nothing to do still records its key: a replay returns it, another request is refused', async () => {
      const { store, cleanup } = await open();
      try {
        const deps = { store, snapshots: store };
        const service = new EventSourcedPaymentCommandService(deps);
        const recorder = new PaymentRecorder(deps);
        const { paymentId } = await service.createPayment({ ...input, captureMethod: 'manual' }, ctx);
        await recorder.recordSubmission(paymentId, { providerPaymentId: 'pi_1' }, system);
        await service.cancelPayment(paymentId, { reason: null }, ctx);
        const k = { ...ctx, idempotencyKey: `noop-${Math.random()}` };
        const noop = await service.cancelPayment(paymentId, { reason: null }, k);
        const replay = await service.cancelPayment(paymentId, { reason: null }, k);
        assert.deepEqual(
          [noop.version, noop.replayed, replay.replayed, replay.checkpoint],
          [3, false, true, noop.checkpoint],
        );
        await assert.rejects(service.refundPayment(paymentId, {}, k), { code: 'PAY_IDEMPOTENCY_MISMATCH' });
        assert.equal(await store.streamVersion(paymentStreamId(paymentId)), 3);
      } finally {
        await cleanup();
      }
    });

    test('concurrent refunds on one payment retry on conflict and never exceed the captured amount', async () => {
      const { store, outboxKinds, cleanup } = await open();
      try {
        const deps = { store, snapshots: store, snapshotEvery: 4, maxRetries: 50 };
        const service = new EventSourcedPaymentCommandService(deps);
        const recorder = new PaymentRecorder(deps);
        const { paymentId } = await service.createPayment(input, ctx);
        await recorder.recordCapture(paymentId, { providerPaymentId: 'pi_1', amount: 1000 }, system);
        const settled = await Promise.allSettled(
          Array.from({ length: 12 }, () => service.refundPayment(paymentId, { amount: 100 }, ctx)),
        );
        const ok = settled.filter((s) => s.status === 'fulfilled');
        const refused = settled.filter((s) => s.status === 'rejected') as PromiseRejectedResult[];
        assert.equal(ok.length, 10);
        assert.deepEqual(
          refused.map((r) => r.reason.code),
          ['PAY_REFUND_EXCEEDS_CAPTURED', 'PAY_REFUND_EXCEEDS_CAPTURED'],
        );
        const streamId = paymentStreamId(paymentId);
        const kinds = await outboxKinds(streamId);
        assert.equal(kinds.filter((k) => k === 'provider.refund').length, 10);
        // Loading from the snapshot plus tail gives the state folded from all events.
        const all = (await store.readStream(streamId)).map(
          (e) => paymentUpcasters.upcast(e) as unknown as PaymentEvent,
        );
        const loaded = await loadAggregate({
          store,
          snapshots: store,
          decider: paymentDecider,
          streamId,
          upcasters: paymentUpcasters,
          snapshotEvery: 4,
        });
        assert.ok(loaded.tailLength < all.length, 'a snapshot was used');
        assert.deepStrictEqual(loaded.state, foldPayment(all));
        assert.equal(loaded.version, 12);
      } finally {
        await cleanup();
      }
    });
  });
}

suite('SQLite', async () => {
  const { store, cleanup } = openTempStore();
  const kinds = store.db.prepare(
    'SELECT kind FROM outbox_messages WHERE stream_id = ? ORDER BY created_at, id',
  );
  return {
    store,
    outboxKinds: async (s) => (kinds.all(s) as { kind: string }[]).map((r) => r.kind),
    cleanup,
  };
});

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('cmdpath');
});
after(() => db.drop());

suite('PostgreSQL', async () => {
  // A pool of its own, ended by close(), so nothing of the store is left when the database is dropped.
  const store = await PostgresEventStore.create({
    connectionString: db.url,
    poolSize: 8,
    pollIntervalMs: 50,
  });
  return {
    store,
    outboxKinds: async (s) =>
      (
        await db.pool.query<{ kind: string }>('SELECT kind FROM outbox_messages WHERE stream_id = $1', [s])
      ).rows.map((r) => r.kind),
    cleanup: () => store.close(),
  };
});
