import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { ConcurrencyError, ValidationError } from '../../../shared/errors.js';
import { EventIdConflictError, type NewEvent } from '../../eventStore.js';
import { type Ctx, ev, evs, type MakeContractStore, readMine, withStore } from './support.js';

const withIds = (n: number, type = 'Thing'): NewEvent[] => evs(n, type).map((e) => ({ ...e, id: uuidv7() }));
const isConflict = (e: unknown) => e instanceof EventIdConflictError && e.code === 'PAY_EVENT_ID_CONFLICT';
const isValidation = (e: unknown) => e instanceof ValidationError && e.code === 'PAY_VALIDATION';

async function unchanged(
  ctx: Ctx,
  count: number,
  fn: () => Promise<unknown>,
  check: (e: unknown) => boolean,
) {
  await assert.rejects(fn(), check);
  // Stream reads, not head(): a gap-safe head may legitimately move on while earlier commits become visible.
  assert.equal(await ctx.store.streamVersion(`${ctx.ns}a`), count);
  assert.equal(await ctx.store.streamVersion(`${ctx.ns}b`), 0);
  assert.equal((await readMine(ctx)).length, count);
}

export function replayCases(make: MakeContractStore): void {
  describe('idempotent append by event id', () => {
    it('the same ids at the same positions succeed without writing', () =>
      withStore(make, async (ctx) => {
        const s = `${ctx.ns}a`;
        const batch = withIds(3);
        const first = await ctx.store.append(s, batch, { expectedVersion: 'no_stream' });
        for (const expectedVersion of ['no_stream', 0, 'any', 'stream_exists'] as const) {
          const again = await ctx.store.append(s, batch, { expectedVersion });
          assert.equal(again.written, false, `replay with ${expectedVersion}`);
          assert.deepEqual(again.globalPositions, first.globalPositions);
          assert.equal(again.nextExpectedVersion, 3);
          assert.equal(again.checkpoint, first.checkpoint);
          assert.equal(again.globalPosition, first.globalPosition);
        }
        assert.equal(await ctx.store.streamVersion(s), 3);
        assert.deepEqual(
          (await ctx.store.readStream(s)).map((e) => e.id),
          batch.map((e) => e.id),
        );
      }));

    it('a replay in the middle of a stream matches by position', () =>
      withStore(make, async (ctx) => {
        const s = `${ctx.ns}a`;
        await ctx.store.append(s, evs(2));
        const mid = withIds(2);
        const r = await ctx.store.append(s, mid, { expectedVersion: 2 });
        await ctx.store.append(s, evs(1));
        const again = await ctx.store.append(s, mid, { expectedVersion: 2 });
        assert.deepEqual(
          [again.written, again.nextExpectedVersion, again.globalPositions],
          [false, 4, r.globalPositions],
        );
        assert.equal((await ctx.store.append(s, mid)).written, false);
        assert.equal(await ctx.store.streamVersion(s), 5);
      }));

    it('the same id with other content, stream or position is a conflict', () =>
      withStore(make, async (ctx) => {
        const s = `${ctx.ns}a`;
        const [e1, e2] = withIds(2);
        await ctx.store.append(s, [e1!, e2!]);
        await unchanged(
          ctx,
          2,
          () => ctx.store.append(s, [{ ...e1!, data: { other: true } }], { expectedVersion: 0 }),
          isConflict,
        );
        await unchanged(
          ctx,
          2,
          () => ctx.store.append(s, [{ ...e1!, type: 'Other' }], { expectedVersion: 0 }),
          isConflict,
        );
        await unchanged(ctx, 2, () => ctx.store.append(`${ctx.ns}b`, [e1!]), isConflict);
        await unchanged(ctx, 2, () => ctx.store.append(s, [e2!], { expectedVersion: 0 }), isConflict);
        await unchanged(ctx, 2, () => ctx.store.append(s, [e2!, e1!]), isConflict);
      }));

    it('a partial overlap is a conflict and writes nothing', () =>
      withStore(make, async (ctx) => {
        const s = `${ctx.ns}a`;
        const [e1, e2] = withIds(2);
        await ctx.store.append(s, [e1!]);
        await unchanged(ctx, 1, () => ctx.store.append(s, [e1!, e2!], { expectedVersion: 0 }), isConflict);
        await unchanged(ctx, 1, () => ctx.store.append(s, [e2!, e1!]), isConflict);
        assert.equal(await ctx.store.streamVersion(s), 1);
      }));

    it('data compares by value, not by key order', () =>
      withStore(make, async (ctx) => {
        const s = `${ctx.ns}a`;
        const id = uuidv7();
        await ctx.store.append(s, [{ id, type: 'T', data: { a: 1, b: { c: 2, d: 3 } } }]);
        const r = await ctx.store.append(s, [{ id, type: 'T', data: { b: { d: 3, c: 2 }, a: 1 } }], {
          expectedVersion: 0,
        });
        assert.equal(r.written, false);
      }));
  });

  describe('bad input', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad: [string, (s: string) => [string, NewEvent[]]][] = [
      ['empty stream id', () => ['', evs(1)]],
      ['over-long stream id', (s) => [s + 'x'.repeat(201), evs(1)]],
      ['control character in stream id', (s) => [`${s}\u0000x`, evs(1)]],
      ['event without type', (s) => [s, [{ data: {} } as NewEvent]]],
      ['BigInt data', (s) => [s, [ev('T', { n: 10n })]]],
      ['cyclic data', (s) => [s, [ev('T', cyclic)]]],
      ['a function in data', (s) => [s, [ev('T', { f: () => 1 })]]],
      ['NaN in data', (s) => [s, [ev('T', { n: Number.NaN })]]],
      ['undefined data', (s) => [s, [{ type: 'T', data: undefined }]]],
      ['a malformed event id', (s) => [s, [ev('T', {}, { id: 'nope' })]]],
    ];
    for (const [name, build] of bad) {
      it(`rejects ${name} with ValidationError and writes nothing (not even the valid events)`, () =>
        withStore(make, async (ctx) => {
          const [stream, events] = build(`${ctx.ns}a`);
          await unchanged(ctx, 0, () => ctx.store.append(stream, [ev('Valid'), ...events]), isValidation);
          if (stream === `${ctx.ns}a`) assert.equal(await ctx.store.streamVersion(stream), 0);
        }));
    }
  });

  describe('concurrent appends', () => {
    it('to one stream with an exact expectedVersion: exactly one winner per version', () =>
      withStore(make, async (ctx) => {
        const s = `${ctx.ns}a`;
        for (let version = 0; version < 5; version++) {
          const results = await Promise.allSettled(
            Array.from({ length: 12 }, (_, w) =>
              ctx.store.append(s, [ev('T', { version, w })], { expectedVersion: version }),
            ),
          );
          const won = results.filter((r) => r.status === 'fulfilled');
          assert.equal(won.length, 1, `one winner at version ${version}`);
          for (const r of results) {
            if (r.status === 'rejected') {
              assert.ok(r.reason instanceof ConcurrencyError);
              assert.deepEqual([r.reason.expected, r.reason.actual], [version, version + 1]);
            }
          }
        }
        const events = await ctx.store.readStream(s);
        assert.deepEqual(
          events.map((e) => [e.streamVersion, (e.data as { version: number }).version]),
          [
            [1, 0],
            [2, 1],
            [3, 2],
            [4, 3],
            [5, 4],
          ],
        );
      }));

    it('to different streams: all succeed', () =>
      withStore(make, async (ctx) => {
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            ctx.store.append(`${ctx.ns}${i}`, evs(2), { expectedVersion: 'no_stream' }),
          ),
        );
        assert.ok(results.every((r) => r.written && r.nextExpectedVersion === 2));
        const positions = results.flatMap((r) => r.globalPositions);
        assert.equal(new Set(positions).size, 80);
        assert.equal((await readMine(ctx)).length, 80);
      }));
  });
}
