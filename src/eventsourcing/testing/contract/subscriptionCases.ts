import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedEvent } from '../../eventStore.js';
import { ev, evs, type MakeContractStore, signal, withStore } from './support.js';

/** Collects events and resolves `reached(n)` once n have arrived. */
function collector() {
  const seen: RecordedEvent[] = [];
  const waits: { n: number; resolve: () => void }[] = [];
  return {
    seen,
    handler: (e: RecordedEvent) => {
      seen.push(e);
      for (const w of waits) if (seen.length >= w.n) w.resolve();
    },
    reached(n: number): Promise<void> {
      if (seen.length >= n) return Promise.resolve();
      const s = signal();
      waits.push({ n, resolve: s.resolve });
      return s.promise;
    },
  };
}

export function subscriptionCases(make: MakeContractStore): void {
  describe('subscribe', () => {
    it('catches up, reports it, then delivers live events in order', () =>
      withStore(make, async ({ store, ns, start }) => {
        const first = await store.append(`${ns}a`, evs(3));
        const c = collector();
        const caught: string[] = [];
        const caughtAgain = signal<string>();
        const sub = store.subscribe({
          after: start,
          streamPrefix: ns,
          handler: c.handler,
          onCaughtUp: (cp) => {
            caught.push(cp);
            if (c.seen.length === 5) caughtAgain.resolve(cp);
          },
        });
        await sub.caughtUp;
        assert.equal(c.seen.length, 3);
        assert.deepEqual(caught, [first.checkpoint]);
        assert.equal(sub.checkpoint, first.checkpoint);
        await store.append(`${ns}b`, evs(1));
        const last = await store.append(`${ns}a`, evs(1));
        await c.reached(5);
        assert.deepEqual(
          c.seen.map((e) => `${e.streamId.slice(ns.length)}${e.streamVersion}`),
          ['a1', 'a2', 'a3', 'b1', 'a4'],
        );
        // Reaching the head again after live events is reported again, with the new checkpoint.
        assert.equal(await caughtAgain.promise, last.checkpoint);
        await sub.stop();
        assert.equal(sub.checkpoint, last.checkpoint);
        await sub.done;
      }));

    it('reaches the head of an empty namespace at once', () =>
      withStore(make, async ({ store, ns }) => {
        const head = await store.head();
        const c = collector();
        const sub = store.subscribe({ after: head.checkpoint, streamPrefix: ns, handler: c.handler });
        await sub.caughtUp;
        assert.equal(sub.checkpoint, head.checkpoint);
        await store.append(`${ns}a`, evs(1));
        await c.reached(1);
        await sub.stop();
      }));

    it('resumes after a checkpoint and filters by type', () =>
      withStore(make, async ({ store, ns }) => {
        await store.append(`${ns}a`, [ev('A'), ev('B')]);
        const mid = await store.append(`${ns}a`, [ev('A')]);
        await store.append(`${ns}a`, [ev('B'), ev('A')]);
        const c = collector();
        const sub = store.subscribe({
          after: mid.checkpoint,
          streamPrefix: ns,
          types: ['A'],
          handler: c.handler,
        });
        await sub.caughtUp;
        assert.deepEqual(
          c.seen.map((e) => e.streamVersion),
          [5],
        );
        await store.append(`${ns}a`, [ev('B'), ev('A')]);
        await c.reached(2);
        assert.deepEqual(
          c.seen.map((e) => [e.type, e.streamVersion]),
          [
            ['A', 5],
            ['A', 7],
          ],
        );
        await sub.stop();
      }));

    it('hands batches of at most batchSize to a batchHandler', () =>
      withStore(make, async ({ store, ns, start }) => {
        await store.append(`${ns}a`, evs(7));
        const sizes: number[] = [];
        const all: RecordedEvent[] = [];
        const got = signal();
        const sub = store.subscribe({
          after: start,
          streamPrefix: ns,
          batchSize: 3,
          batchHandler: (batch) => {
            sizes.push(batch.length);
            all.push(...batch);
            if (all.length === 9) got.resolve();
          },
        });
        await sub.caughtUp;
        assert.deepEqual(sizes, [3, 3, 1]);
        await store.append(`${ns}a`, evs(2));
        await got.promise;
        assert.deepEqual(
          all.map((e) => e.streamVersion),
          [1, 2, 3, 4, 5, 6, 7, 8, 9],
        );
        await sub.stop();
      }));

    it('delivers nothing after stop', () =>
      withStore(make, async ({ store, ns, start }) => {
        const stopped = collector();
        const sub = store.subscribe({ after: start, streamPrefix: ns, handler: stopped.handler });
        await sub.caughtUp;
        await sub.stop();
        await sub.done;
        // A second subscription seeing the event proves it was delivered to live subscribers.
        const witness = collector();
        const w = store.subscribe({ after: start, streamPrefix: ns, handler: witness.handler });
        await store.append(`${ns}a`, evs(1));
        await witness.reached(1);
        await w.stop();
        assert.equal(stopped.seen.length, 0);
      }));

    it('a throwing handler ends the subscription: done rejects with its error', () =>
      withStore(make, async ({ store, ns, start }) => {
        await store.append(`${ns}a`, evs(2));
        const boom = new Error('handler failed');
        const handled: number[] = [];
        const sub = store.subscribe({
          after: start,
          streamPrefix: ns,
          handler: (e) => {
            handled.push(e.streamVersion);
            if (e.streamVersion === 2) throw boom;
          },
        });
        await assert.rejects(sub.done, (e) => e === boom);
        assert.deepEqual(handled, [1, 2]);
        assert.equal(sub.checkpoint, (await store.readStream(`${ns}a`))[0]!.checkpoint);
      }));
  });
}
