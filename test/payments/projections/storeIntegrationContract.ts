/**
 * The payments projection on a real event store sharing the read models' database: async
 * (subscription) and inline (store hook) modes, and a shadow rebuild under concurrent writes
 * while reads keep being served.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventStore } from '../../../src/eventsourcing/eventStore.js';
import type { InlineInstaller } from '../../../src/eventsourcing/projections/inline.js';
import type { Projection, ProjectionDb } from '../../../src/eventsourcing/projections/projection.js';
import type { ProjectionChange } from '../../../src/eventsourcing/projections/projector.js';
import { ProjectionRuntime } from '../../../src/eventsourcing/projections/runtime.js';
import { paymentStreamId } from '../../../src/payments/domain/events.js';
import type { PaymentQueryService } from '../../../src/payments/services.js';
import type { PaymentView } from '../../../src/payments/views.js';
import { appendScripts, eventsOf, type PaymentScript } from '../support/histories.js';

export interface StoreSide<Tx> {
  store: EventStore;
  db: ProjectionDb<Tx>;
  projection: Projection<Tx>;
  inline: InlineInstaller<Tx>;
  queries(runtime: ProjectionRuntime<Tx>): PaymentQueryService;
  cleanup(): Promise<void>;
}

const script = (paymentId: string, i: number): PaymentScript => ({
  paymentId,
  amount: 1000 + i,
  currency: ['usd', 'eur', 'gbp'][i % 3]!,
  customer: i % 2 ? 'cus_a' : null,
  captureMethod: 'automatic',
  createdMinute: i,
  steps: i % 4 === 0 ? [{ k: 'submit' }, { k: 'fail' }] : [{ k: 'submit' }, { k: 'capture', frac: 1 }],
});

async function expectedView(store: EventStore, id: string): Promise<number> {
  return (await store.readStream(paymentStreamId(id))).length;
}

async function dashboardCount(q: PaymentQueryService): Promise<number> {
  return (await q.dashboard()).currencies.reduce((sum, c) => sum + c.count, 0);
}

export function storeIntegrationContract<Tx>(label: string, make: () => Promise<StoreSide<Tx>>): void {
  describe(`payments projection on the ${label} event store`, () => {
    let s: StoreSide<Tx>;
    before(async () => {
      s = await make();
    });
    after(() => s.cleanup());

    test('async mode: the projector catches up and a read with minCheckpoint sees the write', async () => {
      const rt = new ProjectionRuntime({ store: s.store, db: s.db, projections: [s.projection] });
      const q = s.queries(rt);
      await appendScripts(s.store, [script('pay_a1', 1), script('pay_a2', 2)]);
      await rt.start();
      assert.equal((await q.getPayment('pay_a1'))?.status, 'succeeded');
      const changes: ProjectionChange[] = [];
      rt.onChange((c) => {
        changes.push(c);
      });
      const cp = await appendScripts(s.store, [script('pay_a3', 3)]);
      const seen = await q.getPayment('pay_a3', { minCheckpoint: cp, timeoutMs: 5000 });
      assert.equal(seen?.version, await expectedView(s.store, 'pay_a3'));
      assert.ok(changes.some((c) => c.paymentIds.includes('pay_a3')));
      await rt.stop();
    });

    test('shadow rebuild: reads keep serving, concurrent writes are not lost, result equals incremental', async () => {
      const rt = new ProjectionRuntime({
        store: s.store,
        db: s.db,
        projections: [s.projection],
        batchSize: 50,
      });
      const q = s.queries(rt);
      const countedBefore = await dashboardCount(q);
      await appendScripts(
        s.store,
        Array.from({ length: 120 }, (_, i) => script(`pay_r${i}`, i)),
      );
      await rt.start();
      const before = await q.getPayment('pay_r5');
      assert.ok(before);
      const reads: Promise<PaymentView | undefined>[] = [];
      let writes: Promise<unknown> = Promise.resolve();
      let n = 0;
      await rt.rebuild('payments', {
        batchSize: 40,
        onProgress: () => {
          reads.push(q.getPayment('pay_r5'));
          const id = `pay_c${n}`;
          const sc = script(id, n++);
          writes = writes.then(() => appendScripts(s.store, [sc]));
        },
      });
      await writes;
      const last = await appendScripts(s.store, [script('pay_last', 999)]);
      assert.ok(n > 2, 'progress reported several times');
      for (const r of await Promise.all(reads)) assert.deepEqual(r, before);
      const ids = [...Array.from({ length: n }, (_, i) => `pay_c${i}`), 'pay_last'];
      const views = await Promise.all(
        ids.map((id) => q.getPayment(id, { minCheckpoint: last, timeoutMs: 5000 })),
      );
      for (const [i, v] of views.entries()) {
        assert.equal(
          v?.version,
          eventsOf(script(ids[i]!, 0)).length,
          `${ids[i]} projected once and completely`,
        );
      }
      // Each payment counted once on the dashboard: nothing applied twice across the swap.
      assert.equal(await dashboardCount(q), countedBefore + 120 + n + 1);
      await rt.stop();
    });

    test('inline mode: updated in the append transaction, listeners hear of it after commit, missed events caught up', async () => {
      const rt = new ProjectionRuntime({
        store: s.store,
        db: s.db,
        projections: [s.projection],
        inline: { names: ['payments'], install: s.inline },
      });
      const q = s.queries(rt);
      await rt.rebuild('payments');
      // Written before the hook is installed: the follower applies it at start.
      const missed = await appendScripts(s.store, [script('pay_i0', 0)]);
      await rt.start();
      const caught = await q.getPayment('pay_i0', {
        minCheckpoint: missed,
        timeoutMs: 5000,
        onTimeout: 'reject',
      });
      assert.equal(caught?.version, await expectedView(s.store, 'pay_i0'));
      const changes: ProjectionChange[] = [];
      const heard = new Promise<void>((resolve) => {
        rt.onChange((c) => {
          changes.push(c);
          if (c.paymentIds.includes('pay_i1')) resolve();
        });
      });
      await appendScripts(s.store, [script('pay_i1', 1)]);
      // No wait at all: the append committed the read-model row with it.
      assert.equal((await q.getPayment('pay_i1'))?.version, await expectedView(s.store, 'pay_i1'));
      await heard;
      const [st] = await rt.status();
      assert.equal(st!.status, 'running');
      assert.equal(st!.lagEvents, 0);
      await rt.stop();
    });
  });
}
