import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedEvent } from '../../eventStore.js';
import { ev, evs, type MakeContractStore, withStore } from './support.js';

const versions = (es: RecordedEvent[]) => es.map((e) => e.streamVersion);
const tags = (es: RecordedEvent[]) => es.map((e) => `${e.streamId.split('-').pop()}:${e.type}`);

export function readCases(make: MakeContractStore): void {
  describe('readStream', () => {
    it('reads forward from a version with a limit', () =>
      withStore(make, async ({ store, ns }) => {
        const s = `${ns}a`;
        await store.append(s, evs(5));
        await store.append(`${ns}b`, evs(2));
        assert.deepEqual(versions(await store.readStream(s)), [1, 2, 3, 4, 5]);
        assert.deepEqual(versions(await store.readStream(s, { from: 3 })), [3, 4, 5]);
        assert.deepEqual(versions(await store.readStream(s, { from: 2, limit: 2 })), [2, 3]);
        assert.deepEqual(versions(await store.readStream(s, { from: 6 })), []);
        assert.deepEqual(await store.readStream(`${ns}none`), []);
        assert.ok((await store.readStream(s)).every((e) => e.streamId === s));
      }));

    it('reads backward from the last version or a given one', () =>
      withStore(make, async ({ store, ns }) => {
        const s = `${ns}a`;
        await store.append(s, evs(5));
        assert.deepEqual(versions(await store.readStream(s, { direction: 'backward' })), [5, 4, 3, 2, 1]);
        assert.deepEqual(versions(await store.readStream(s, { direction: 'backward', limit: 2 })), [5, 4]);
        assert.deepEqual(versions(await store.readStream(s, { direction: 'backward', from: 3 })), [3, 2, 1]);
        assert.deepEqual(
          versions(await store.readStream(s, { direction: 'backward', from: 3, limit: 1 })),
          [3],
        );
        assert.deepEqual(await store.readStream(`${ns}none`, { direction: 'backward' }), []);
      }));

    it('reports stream versions, 0 for a stream that does not exist', () =>
      withStore(make, async ({ store, ns }) => {
        await store.append(`${ns}a`, evs(3));
        assert.equal(await store.streamVersion(`${ns}a`), 3);
        assert.equal(await store.streamVersion(`${ns}none`), 0);
      }));
  });

  describe('readAll', () => {
    it('pages by checkpoint, exclusive, in global order', () =>
      withStore(make, async ({ store, ns, start }) => {
        await store.append(`${ns}a`, evs(3, 'A'));
        await store.append(`${ns}b`, evs(2, 'B'));
        await store.append(`${ns}a`, evs(2, 'C'));
        const pages: RecordedEvent[][] = [];
        let after = start;
        for (;;) {
          const page = await store.readAll({ after, limit: 3, streamPrefix: ns });
          if (page.length === 0) break;
          pages.push(page);
          after = page[page.length - 1]!.checkpoint;
        }
        assert.deepEqual(
          pages.map((p) => p.length),
          [3, 3, 1],
        );
        const flat = pages.flat();
        assert.deepEqual(tags(flat), ['a:A', 'a:A', 'a:A', 'b:B', 'b:B', 'a:C', 'a:C']);
        assert.ok(flat.every((e, i) => i === 0 || e.checkpoint > flat[i - 1]!.checkpoint));
        assert.ok(flat.every((e, i) => i === 0 || e.globalPosition > flat[i - 1]!.globalPosition));
        assert.deepEqual(await store.readAll({ after: flat[6]!.checkpoint, streamPrefix: ns }), []);
        assert.deepEqual(tags(await store.readAll({ after: flat[4]!.checkpoint, streamPrefix: ns })), [
          'a:C',
          'a:C',
        ]);
      }));

    it('defaults to everything from the start, up to 1000 events', () =>
      withStore(make, async ({ store, ns, start }) => {
        await store.append(`${ns}a`, evs(1001));
        const mine = await store.readAll({ after: start });
        assert.equal(mine.length, 1000);
        const all = await store.readAll();
        assert.ok(all.length === 1000 && (start !== '' || all[0]!.streamId === `${ns}a`));
      }));

    it('filters by event types and stream prefix', () =>
      withStore(make, async ({ store, ns, start }) => {
        await store.append(`${ns}pay-1`, [ev('Requested'), ev('Captured')]);
        await store.append(`${ns}refund-1`, [ev('Requested'), ev('Refunded')]);
        await store.append(`${ns}pay-2`, [ev('Requested'), ev('Failed')]);
        const byType = await store.readAll({ after: start, types: ['Captured', 'Refunded'] });
        assert.deepEqual(tags(byType.filter((e) => e.streamId.startsWith(ns))), ['1:Captured', '1:Refunded']);
        const byPrefix = await store.readAll({ after: start, streamPrefix: `${ns}pay-` });
        assert.deepEqual(tags(byPrefix), ['1:Requested', '1:Captured', '2:Requested', '2:Failed']);
        const both = await store.readAll({
          after: start,
          streamPrefix: `${ns}pay-`,
          types: ['Requested'],
          limit: 1,
        });
        assert.deepEqual(tags(both), ['1:Requested']);
        const next = await store.readAll({
          after: both[0]!.checkpoint,
          streamPrefix: `${ns}pay-`,
          types: ['Requested'],
        });
        assert.deepEqual(tags(next), ['2:Requested']);
        assert.deepEqual(await store.readAll({ after: start, types: [] }), []);
      }));

    it('head() is the last event readable by readAll', () =>
      withStore(make, async ({ store, ns, start }) => {
        await store.append(`${ns}a`, evs(2));
        const r = await store.append(`${ns}b`, evs(1));
        const head = await store.head();
        assert.deepEqual(head, { checkpoint: r.checkpoint, globalPosition: r.globalPosition });
        const mine = await store.readAll({ after: start, streamPrefix: ns });
        assert.equal(mine[mine.length - 1]!.checkpoint, head.checkpoint);
      }));
  });
}
