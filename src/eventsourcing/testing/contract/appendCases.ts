import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { ConcurrencyError } from '../../../shared/errors.js';
import { compareCheckpoints, type ExpectedVersion } from '../../eventStore.js';
import { ev, evs, type MakeContractStore, withStore } from './support.js';

function isConcurrency(expected: ExpectedVersion, actual: number) {
  return (e: unknown) => {
    assert.ok(e instanceof ConcurrencyError, `ConcurrencyError, got ${String(e)}`);
    assert.equal(e.code, 'PAY_CONCURRENCY');
    assert.equal(e.expected, expected);
    assert.equal(e.actual, actual);
    return true;
  };
}

export function appendCases(make: MakeContractStore): void {
  describe('append and expectedVersion', () => {
    it("'no_stream' succeeds on a new stream and fails on an existing one", () =>
      withStore(make, async ({ store, ns }) => {
        const s = `${ns}a`;
        const r = await store.append(s, evs(2), { expectedVersion: 'no_stream' });
        assert.equal(r.nextExpectedVersion, 2);
        assert.equal(r.written, true);
        await assert.rejects(
          store.append(s, evs(1), { expectedVersion: 'no_stream' }),
          isConcurrency('no_stream', 2),
        );
        assert.equal(await store.streamVersion(s), 2);
      }));

    it("'stream_exists' fails on a new stream and succeeds on an existing one", () =>
      withStore(make, async ({ store, ns }) => {
        const s = `${ns}a`;
        await assert.rejects(
          store.append(s, evs(1), { expectedVersion: 'stream_exists' }),
          isConcurrency('stream_exists', 0),
        );
        assert.equal(await store.streamVersion(s), 0);
        await store.append(s, evs(1));
        const r = await store.append(s, evs(1), { expectedVersion: 'stream_exists' });
        assert.equal(r.nextExpectedVersion, 2);
      }));

    it('an exact version must equal the current one; 0 behaves like no_stream', () =>
      withStore(make, async ({ store, ns }) => {
        const s = `${ns}a`;
        await assert.rejects(store.append(s, evs(1), { expectedVersion: 1 }), isConcurrency(1, 0));
        assert.equal((await store.append(s, evs(3), { expectedVersion: 0 })).nextExpectedVersion, 3);
        await assert.rejects(store.append(s, evs(1), { expectedVersion: 0 }), isConcurrency(0, 3));
        await assert.rejects(store.append(s, evs(1), { expectedVersion: 2 }), isConcurrency(2, 3));
        await assert.rejects(store.append(s, evs(1), { expectedVersion: 4 }), isConcurrency(4, 3));
        assert.equal((await store.append(s, evs(1), { expectedVersion: 3 })).nextExpectedVersion, 4);
      }));

    it("'any' (the default) never checks", () =>
      withStore(make, async ({ store, ns }) => {
        const s = `${ns}a`;
        assert.equal((await store.append(s, evs(1))).nextExpectedVersion, 1);
        assert.equal((await store.append(s, evs(2), { expectedVersion: 'any' })).nextExpectedVersion, 3);
      }));

    it('an empty append writes nothing, returns the current version and still checks', () =>
      withStore(make, async ({ store, ns }) => {
        const s = `${ns}a`;
        const empty = await store.append(s, [], { expectedVersion: 'no_stream' });
        assert.deepEqual(
          { v: empty.nextExpectedVersion, w: empty.written, p: empty.globalPositions },
          { v: 0, w: false, p: [] },
        );
        const first = await store.append(s, evs(2));
        const r = await store.append(s, [], { expectedVersion: 2 });
        assert.equal(r.nextExpectedVersion, 2);
        assert.equal(r.written, false);
        assert.equal(r.checkpoint, first.checkpoint);
        assert.equal(r.globalPosition, first.globalPosition);
        await assert.rejects(store.append(s, [], { expectedVersion: 1 }), isConcurrency(1, 2));
        await assert.rejects(
          store.append(s, [], { expectedVersion: 'no_stream' }),
          isConcurrency('no_stream', 2),
        );
        assert.equal((await store.readStream(s)).length, 2);
        assert.equal(await store.streamVersion(s), 2);
      }));

    it('returns positions and checkpoints of the events written, in order', () =>
      withStore(make, async ({ store, ns, start }) => {
        const a = await store.append(`${ns}a`, evs(3));
        const b = await store.append(`${ns}b`, evs(1));
        assert.equal(a.globalPositions.length, 3);
        assert.ok(a.globalPositions.every((p, i) => i === 0 || p > a.globalPositions[i - 1]!));
        assert.equal(a.globalPosition, a.globalPositions[2]);
        assert.ok(b.globalPosition > a.globalPosition);
        assert.equal(compareCheckpoints(a.checkpoint, b.checkpoint), -1);
        assert.equal(compareCheckpoints(start, a.checkpoint), -1);
        const all = await store.readAll({ after: start, streamPrefix: ns });
        assert.deepEqual(
          all.map((e) => e.globalPosition),
          [...a.globalPositions, b.globalPosition],
        );
        assert.equal(all[2]!.checkpoint, a.checkpoint);
        assert.equal(all[3]!.checkpoint, b.checkpoint);
        assert.deepEqual(await store.head(), { checkpoint: b.checkpoint, globalPosition: b.globalPosition });
      }));

    it('records ids (UUIDv7 when absent), defaults, metadata and recordedAt', () =>
      withStore(make, async ({ store, ns }) => {
        const s = `${ns}a`;
        const given = '0190f5a0-1111-7000-8000-00000000abcd';
        const before = Date.now();
        await store.append(s, [
          ev('A', { x: 1 }),
          ev(
            'B',
            { y: [1, 'two', null, true] },
            { id: given, schemaVersion: 3, metadata: { actor: 'k1', correlationId: 'c' } },
          ),
        ]);
        const [a, b] = await store.readStream(s);
        assert.ok(a && b);
        assert.ok(isUuid(a.id) && uuidVersion(a.id) === 7, `generated id ${a.id} is a UUIDv7`);
        assert.deepEqual(
          [a.streamId, a.streamVersion, a.type, a.schemaVersion, a.data, a.metadata],
          [s, 1, 'A', 1, { x: 1 }, {}],
        );
        assert.equal(b.id, given);
        assert.deepEqual(
          [b.streamVersion, b.schemaVersion, b.data, b.metadata],
          [2, 3, { y: [1, 'two', null, true] }, { actor: 'k1', correlationId: 'c' }],
        );
        assert.ok(a.recordedAt instanceof Date);
        assert.ok(a.recordedAt.getTime() >= before - 1000 && a.recordedAt.getTime() <= Date.now() + 1000);
      }));

    it('stores a 1 MB event and unicode stream ids and data intact', () =>
      withStore(make, async ({ store, ns }) => {
        const big = { blob: 'x'.repeat(1024 * 1024), tail: 'end' };
        await store.append(`${ns}big`, [ev('Big', big)]);
        assert.deepEqual((await store.readStream(`${ns}big`))[0]!.data, big);
        const s = `${ns}zahlung-äöü-支付-🚀`;
        const data = { name: 'Zoë 🧾', note: '支付\u2028ok', emoji: '👩‍👩‍👧' };
        await store.append(s, [ev('Ünïcode', data)]);
        const [e] = await store.readStream(s);
        assert.deepEqual([e!.streamId, e!.type, e!.data], [s, 'Ünïcode', data]);
        assert.equal((await store.readAll({ streamPrefix: `${ns}zahlung-äöü-支` })).length, 1);
      }));
  });
}
