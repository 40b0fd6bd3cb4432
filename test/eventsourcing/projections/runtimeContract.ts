/**
 * The projection runtime's behaviour, run against each database adapter with a tiny counting
 * projection: one row per stream with the number of events and the sum of their amounts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventStore } from '../../../src/eventsourcing/eventStore.js';
import type { Projection, ProjectionDb } from '../../../src/eventsourcing/projections/projection.js';
import type { ProjectionChange } from '../../../src/eventsourcing/projections/projector.js';
import { ProjectionRuntime } from '../../../src/eventsourcing/projections/runtime.js';
import { createMetrics } from '../../../src/observability/metrics.js';

export interface CountRow {
  n: number;
  total: number;
}

export interface RuntimeHarness<Tx> {
  store: EventStore;
  db: ProjectionDb<Tx>;
  /**
   * A counting projection named `name` over event type 'Counted' (data.amount) of the streams
   * `${name}-*`; throws after writing its rows when failOn says so.
   */
  projection(name: string, failOn?: (amount: number) => boolean): Projection<Tx>;
  /** The live rows of the projection's table, by stream. */
  counts(name: string): Promise<Map<string, CountRow>>;
  cleanup(): Promise<void>;
}

async function appendCounts(store: EventStore, stream: string, amounts: number[]): Promise<string> {
  const r = await store.append(
    stream,
    amounts.map((amount) => ({ type: 'Counted', data: { amount } })),
  );
  return r.checkpoint;
}

/** What the counting projection must hold for the appended amounts. */
function expected(appended: Map<string, number[]>): Map<string, CountRow> {
  const out = new Map<string, CountRow>();
  for (const [s, a] of appended) out.set(s, { n: a.length, total: a.reduce((x, y) => x + y, 0) });
  return out;
}

export function projectionRuntimeContract<Tx>(label: string, make: () => Promise<RuntimeHarness<Tx>>): void {
  describe(`projection runtime (${label})`, () => {
    let h: RuntimeHarness<Tx>;
    before(async () => {
      h = await make();
    });
    after(() => h.cleanup());

    test('applies events in batches and resumes from its checkpoint without double counting', async () => {
      const p = h.projection('resume');
      const appended = new Map<string, number[]>([
        ['resume-1', [1, 2, 3]],
        ['resume-2', [10]],
      ]);
      for (const [s, a] of appended) await appendCounts(h.store, s, a);
      const rt = new ProjectionRuntime({ store: h.store, db: h.db, projections: [p], batchSize: 2 });
      await rt.start();
      assert.deepEqual(await h.counts('resume'), expected(appended));
      await rt.stop();
      const cp = await appendCounts(h.store, 'resume-2', [5]);
      appended.get('resume-2')!.push(5);
      const rt2 = new ProjectionRuntime({ store: h.store, db: h.db, projections: [p], batchSize: 2 });
      await rt2.start();
      assert.equal(await rt2.waitForCheckpoint('resume', cp, 2000), true);
      assert.deepEqual(await h.counts('resume'), expected(appended));
      const [st] = await rt2.status();
      assert.equal(st!.status, 'running');
      assert.equal(st!.checkpoint >= cp, true);
      assert.equal(st!.lagEvents, 0);
      assert.equal(st!.lagSeconds, 0);
      await rt2.stop();
    });

    test('a batch that fails after writing rolls back with its checkpoint: no double count after restart', async () => {
      let failing = true;
      const p = h.projection('crash', (amount) => failing && amount === 666);
      await appendCounts(h.store, 'crash-1', [1, 2]);
      await appendCounts(h.store, 'crash-2', [3, 666, 4]);
      const rt = new ProjectionRuntime({
        store: h.store,
        db: h.db,
        projections: [p],
        batchSize: 100,
        retry: false,
      });
      await rt.start();
      const [failed] = await rt.status();
      assert.equal(failed!.status, 'failed');
      assert.match(failed!.error ?? '', /crash injected/);
      // The failed batch wrote rows before throwing: none of them survived.
      assert.equal((await h.counts('crash')).size, 0);
      failing = false;
      await rt.stop();
      const rt2 = new ProjectionRuntime({ store: h.store, db: h.db, projections: [p], batchSize: 100 });
      await rt2.start();
      const counts = await h.counts('crash');
      assert.deepEqual(counts.get('crash-1'), { n: 2, total: 3 });
      assert.deepEqual(counts.get('crash-2'), { n: 3, total: 673 });
      await rt2.stop();
    });

    test('a failed projector restarts by itself from its checkpoint after a backoff', async () => {
      let failures = 0;
      const p = h.projection('retry', (amount) => amount === 13 && failures++ === 0);
      const cp = await appendCounts(h.store, 'retry-1', [1, 13, 2]);
      const rt = new ProjectionRuntime({
        store: h.store,
        db: h.db,
        projections: [p],
        retry: { initialMs: 20, maxMs: 100 },
      });
      await rt.start();
      assert.equal(await rt.waitForCheckpoint('retry', cp, 5000), true);
      assert.equal(failures, 2);
      assert.deepEqual((await h.counts('retry')).get('retry-1'), { n: 3, total: 16 });
      const [st] = await rt.status();
      assert.equal(st!.status, 'running');
      await rt.stop();
    });

    test('reports lag while stopped (also to the metrics gauges) and emits the changed ids of each batch', async () => {
      const p = h.projection('lag');
      const metrics = createMetrics();
      const gauge = async (name: string) =>
        (await metrics.registry.getSingleMetric(name)!.get()).values.find(
          (v) => v.labels.projection === 'lag',
        )?.value;
      const rt = new ProjectionRuntime({ store: h.store, db: h.db, projections: [p], metrics });
      await rt.start();
      await rt.stop();
      await appendCounts(h.store, 'lag-1', [1, 1, 1]);
      const [behind] = await rt.status();
      assert.equal(behind!.status, 'stopped');
      assert.equal(behind!.lagEvents, 3);
      assert.equal(behind!.lagSeconds >= 0, true);
      assert.equal(await gauge('projection_lag_events'), 3);
      assert.equal(await gauge('projection_lag_seconds'), behind!.lagSeconds);
      const changes: ProjectionChange[] = [];
      rt.onChange((c) => {
        changes.push(c);
      });
      await rt.start();
      assert.deepEqual(
        changes.flatMap((c) => c.ids),
        ['lag-1'],
      );
      assert.equal(changes[0]!.projection, 'lag');
      const [caught] = await rt.status();
      assert.equal(caught!.lagEvents, 0);
      assert.equal(await gauge('projection_lag_events'), 0);
      assert.equal(await gauge('projection_lag_seconds'), 0);
      await rt.stop();
    });

    test('waitForCheckpoint resolves when the projector applies it, and times out boundedly when it cannot', async () => {
      const p = h.projection('ryw');
      const rt = new ProjectionRuntime({ store: h.store, db: h.db, projections: [p] });
      await rt.start();
      const cp = await appendCounts(h.store, 'ryw-1', [7]);
      assert.equal(await rt.waitForCheckpoint('ryw', cp, 5000), true);
      assert.deepEqual((await h.counts('ryw')).get('ryw-1'), { n: 1, total: 7 });
      await rt.stop();
      const cp2 = await appendCounts(h.store, 'ryw-1', [8]);
      const t0 = performance.now();
      assert.equal(await rt.waitForCheckpoint('ryw', cp2, 150), false);
      const waited = performance.now() - t0;
      assert.ok(waited >= 140 && waited < 1500, `waited ${waited} ms`);
    });

    test('rebuild equals the incremental build, and keeps concurrent live updates', async () => {
      const p = h.projection('rb');
      const appended = new Map<string, number[]>();
      const add = async (s: string, a: number[]) => {
        appended.set(s, [...(appended.get(s) ?? []), ...a]);
        return appendCounts(h.store, s, a);
      };
      for (let i = 0; i < 30; i++) await add(`rb-${i % 7}`, [i, i + 1]);
      const rt = new ProjectionRuntime({ store: h.store, db: h.db, projections: [p], batchSize: 5 });
      await rt.start();
      const incremental = await h.counts('rb');
      assert.deepEqual(incremental, expected(appended));
      let progressCalls = 0;
      const liveReads: Promise<Map<string, CountRow>>[] = [];
      const statuses: Promise<string>[] = [];
      let concurrent: Promise<unknown> = Promise.resolve();
      const rebuilt = rt.rebuild('rb', {
        batchSize: 7,
        onProgress: (done) => {
          progressCalls++;
          // Writes land while the shadow is being built; reads keep seeing the live table.
          if (done > 0 && done < 30) {
            concurrent = concurrent.then(() => add('rb-live', [100]));
            liveReads.push(h.counts('rb'));
            statuses.push(rt.status().then(([st]) => st!.status));
          }
        },
      });
      const [r] = await rebuilt;
      await concurrent;
      const last = await add('rb-live', [1]);
      assert.equal(await rt.waitForCheckpoint('rb', last, 5000), true);
      assert.ok(progressCalls > 1);
      assert.ok(liveReads.length > 0);
      assert.ok((await Promise.all(statuses)).includes('rebuilding'));
      for (const read of await Promise.all(liveReads))
        assert.deepEqual(read.get('rb-0'), incremental.get('rb-0'));
      assert.ok(r!.events >= 60);
      assert.deepEqual(await h.counts('rb'), expected(appended));
      const [st] = await rt.status();
      assert.equal(st!.status, 'running');
      await rt.stop();
    });
  });
}
