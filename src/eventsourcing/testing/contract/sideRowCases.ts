import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyError, ValidationError } from '../../../shared/errors.js';
import { IdempotencyKeyExistsError, type IdempotencyRecordInput } from '../../eventStore.js';
import { type Ctx, ev, evs, type MakeContractStore, withStore } from './support.js';

const idem = (ctx: Ctx, name: string, response: unknown = { ok: name }): IdempotencyRecordInput => ({
  key: `${ctx.ns}${name}`,
  requestHash: `hash-${name}`,
  response,
});

export function sideRowCases(make: MakeContractStore): void {
  describe('idempotency records', () => {
    it('stores the record with the append: response, checkpoint, position', () =>
      withStore(make, async (ctx) => {
        const input = idem(ctx, 'k1', { paymentId: 'p1', amount: 1250, nested: { list: [1, 2] } });
        const r = await ctx.store.append(`${ctx.ns}a`, evs(2), { idempotency: input });
        const rec = await ctx.store.getIdempotencyRecord(input.key);
        assert.ok(rec);
        assert.deepEqual(
          [rec.key, rec.requestHash, rec.streamId, rec.response, rec.checkpoint, rec.globalPosition],
          [input.key, input.requestHash, `${ctx.ns}a`, input.response, r.checkpoint, r.globalPosition],
        );
        assert.ok(rec.createdAt instanceof Date && Math.abs(rec.createdAt.getTime() - Date.now()) < 60_000);
        assert.equal(await ctx.store.getIdempotencyRecord(`${ctx.ns}missing`), undefined);
      }));

    it('a second append with the same key throws with the record and writes nothing', () =>
      withStore(make, async (ctx) => {
        const input = idem(ctx, 'k1');
        await ctx.store.append(`${ctx.ns}a`, evs(1), { idempotency: input });
        for (const stream of [`${ctx.ns}a`, `${ctx.ns}b`]) {
          await assert.rejects(
            ctx.store.append(stream, evs(1), { idempotency: { ...input, requestHash: 'other' } }),
            (e) => {
              assert.ok(e instanceof IdempotencyKeyExistsError);
              assert.deepEqual(
                [e.record.key, e.record.requestHash, e.record.response],
                [input.key, input.requestHash, input.response],
              );
              return true;
            },
          );
        }
        assert.equal(await ctx.store.streamVersion(`${ctx.ns}a`), 1);
        assert.equal(await ctx.store.streamVersion(`${ctx.ns}b`), 0);
      }));

    it('a failed append stores no record', () =>
      withStore(make, async (ctx) => {
        const input = idem(ctx, 'k1');
        await assert.rejects(
          ctx.store.append(`${ctx.ns}a`, evs(1), { expectedVersion: 3, idempotency: input }),
          ConcurrencyError,
        );
        await assert.rejects(
          ctx.store.append(`${ctx.ns}a`, [ev('T', { n: 1n })], { idempotency: input }),
          ValidationError,
        );
        assert.equal(await ctx.store.getIdempotencyRecord(input.key), undefined);
        await ctx.store.append(`${ctx.ns}a`, evs(1), { idempotency: input });
        assert.ok(await ctx.store.getIdempotencyRecord(input.key));
      }));

    it('pruneIdempotency deletes records created before the cut-off', () =>
      withStore(make, async (ctx) => {
        const input = idem(ctx, 'k1');
        await ctx.store.append(`${ctx.ns}a`, evs(1), { idempotency: input });
        assert.equal(await ctx.store.pruneIdempotency(new Date(Date.now() - 3_600_000)), 0);
        assert.ok(await ctx.store.getIdempotencyRecord(input.key));
        assert.ok((await ctx.store.pruneIdempotency(new Date(Date.now() + 1000))) >= 1);
        assert.equal(await ctx.store.getIdempotencyRecord(input.key), undefined);
      }));
  });

  describe('outbox rows', () => {
    const mine = async (ctx: Ctx) =>
      (await ctx.readOutbox!())
        .filter((r) => r.dedupKey.startsWith(ctx.ns))
        .map((r) => `${r.dedupKey.slice(ctx.ns.length)}|${r.kind}|${r.streamId.slice(ctx.ns.length)}`)
        .sort();

    it('are written iff the append commits; duplicate dedupKeys are ignored', (t) =>
      withStore(make, async (ctx) => {
        if (!ctx.readOutbox) return t.skip('adapter exposes no outbox reader');
        const s = `${ctx.ns}a`;
        const msg = (key: string, kind = 'provider.create_payment') => ({
          kind,
          dedupKey: `${ctx.ns}${key}`,
          payload: { key },
        });
        await ctx.store.append(s, evs(1), { expectedVersion: 'no_stream', outbox: [msg('m1'), msg('m2')] });
        assert.deepEqual(await mine(ctx), ['m1|provider.create_payment|a', 'm2|provider.create_payment|a']);
        await assert.rejects(
          ctx.store.append(s, evs(1), { expectedVersion: 'no_stream', outbox: [msg('m3')] }),
          ConcurrencyError,
        );
        await assert.rejects(
          ctx.store.append(s, [ev('T', { f: Symbol('x') })], { outbox: [msg('m4')] }),
          ValidationError,
        );
        assert.deepEqual(await mine(ctx), ['m1|provider.create_payment|a', 'm2|provider.create_payment|a']);
        const r = await ctx.store.append(`${ctx.ns}b`, evs(1), {
          outbox: [msg('m1', 'other.kind'), msg('m5', 'k5')],
        });
        assert.equal(r.written, true);
        assert.deepEqual(await mine(ctx), [
          'm1|provider.create_payment|a',
          'm2|provider.create_payment|a',
          'm5|k5|b',
        ]);
      }));
  });
}
