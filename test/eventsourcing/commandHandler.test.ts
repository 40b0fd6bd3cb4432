import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { type Decider, handleCommand } from '../../src/eventsourcing/commandHandler.js';
import type { Snapshot, SnapshotStore } from '../../src/eventsourcing/eventStore.js';
import { loadAggregate } from '../../src/eventsourcing/loadAggregate.js';
import { MemoryEventStore } from '../../src/eventsourcing/memory/memoryEventStore.js';
import { PaystreamError } from '../../src/shared/errors.js';

type CounterEvent = { type: 'Added'; data: { n: number } };
type CounterCommand = { type: 'Add'; n: number } | { type: 'Noop' } | { type: 'Fail' };
const counter: Decider<CounterCommand, CounterEvent, { total: number }> = {
  initialState: () => ({ total: 0 }),
  evolve: (s, e) => ({ total: s.total + e.data.n }),
  decide: (c) => {
    if (c.type === 'Fail') throw new PaystreamError('PAY_VALIDATION', 'no');
    return c.type === 'Add' ? [{ type: 'Added', data: { n: c.n } }] : [];
  },
};
const meta = { correlationId: 'corr-1', causationId: 'cause-1', actor: 'key_1' };
const add = (store: MemoryEventStore, n: number, extra: Record<string, unknown> = {}) =>
  handleCommand({
    store,
    decider: counter,
    streamId: 'counter-1',
    command: { type: 'Add', n },
    metadata: meta,
    ...extra,
  });

describe('handleCommand', () => {
  test('appends the decided events with v7 ids and the metadata, at the exact version', async () => {
    const store = new MemoryEventStore();
    const first = await add(store, 2);
    const second = await add(store, 3);
    const events = await store.readStream('counter-1');
    assert.deepEqual(
      events.map((e) => [e.type, e.data, e.metadata]),
      [
        ['Added', { n: 2 }, meta],
        ['Added', { n: 3 }, meta],
      ],
    );
    assert.ok(events.every((e) => isUuid(e.id) && uuidVersion(e.id) === 7));
    assert.deepEqual(
      second.events.map((e) => e.id),
      [events[1]?.id],
    );
    assert.deepEqual([first.version, second.version, second.state], [1, 2, { total: 5 }]);
    assert.deepEqual(
      [second.checkpoint, second.globalPosition],
      [events[1]?.checkpoint, events[1]?.globalPosition],
    );
  });

  test('retries on conflict: concurrent commands on one stream all land', async () => {
    const store = new MemoryEventStore();
    const results = await Promise.all(Array.from({ length: 20 }, () => add(store, 1, { maxRetries: 50 })));
    assert.equal(await store.streamVersion('counter-1'), 20);
    assert.deepEqual(
      results.map((r) => r.version).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  test('a pinned expected version (If-Match) surfaces the conflict and writes nothing', async () => {
    const store = new MemoryEventStore();
    await add(store, 1);
    await assert.rejects(add(store, 1, { expectedVersion: 0 }), { code: 'PAY_CONCURRENCY' });
    const ok = await add(store, 1, { expectedVersion: 1 });
    assert.equal(ok.version, 2);
    assert.equal(await store.streamVersion('counter-1'), 2);
  });

  test('a rejected command or a command with nothing to do writes no event', async () => {
    const store = new MemoryEventStore();
    await add(store, 1);
    const fail = handleCommand({ store, decider: counter, streamId: 'counter-1', command: { type: 'Fail' } });
    await assert.rejects(fail, { code: 'PAY_VALIDATION' });
    const idempotency = { key: 'k-noop', requestHash: 'h' };
    const noop = await handleCommand({
      store,
      decider: counter,
      streamId: 'counter-1',
      command: { type: 'Noop' },
      idempotency,
    });
    assert.deepEqual([noop.version, noop.events.length, noop.replayed], [1, 0, false]);
    assert.equal((await store.head()).globalPosition, 1);
    // The key is still recorded (an empty append), so its reuse for another request is refused.
    assert.equal((await store.getIdempotencyRecord('k-noop'))?.requestHash, 'h');
    const reuse = handleCommand({
      store,
      decider: counter,
      streamId: 'counter-1',
      command: { type: 'Add', n: 1 },
      idempotency: { key: 'k-noop', requestHash: 'other' },
    });
    await assert.rejects(reuse, { code: 'PAY_IDEMPOTENCY_MISMATCH' });
    assert.equal(await store.streamVersion('counter-1'), 1);
  });

  test('newStream skips the load; a duplicate key still replays; an existing stream re-loads', async () => {
    const store = new MemoryEventStore();
    const idempotency = { key: 'k-new', requestHash: 'h' };
    const first = await add(store, 1, { newStream: true, idempotency });
    const dup = await handleCommand({
      store,
      decider: counter,
      streamId: 'counter-2',
      command: { type: 'Add', n: 1 },
      newStream: true,
      idempotency,
    });
    assert.deepEqual([first.replayed, dup.replayed, dup.streamId], [false, true, 'counter-1']);
    assert.equal(await store.streamVersion('counter-2'), 0);
    const again = await add(store, 5, { newStream: true });
    assert.deepEqual([again.version, again.state], [2, { total: 6 }]);
  });

  test('outbox rows go into the same append', async () => {
    const store = new MemoryEventStore();
    const out = await add(store, 4, {
      outbox: (events: { id: string }[], state: { total: number }) =>
        events.map((e) => ({ kind: 'work', dedupKey: `work:${e.id}`, payload: { total: state.total } })),
    });
    assert.deepEqual(
      store.outbox.all().map((m) => [m.kind, m.dedupKey, m.payload, m.streamId]),
      [['work', `work:${out.events[0]?.id}`, { total: 4 }, 'counter-1']],
    );
  });
});

describe('snapshots', () => {
  test('a snapshot is saved each time the version crosses a multiple of snapshotEvery', async () => {
    const store = new MemoryEventStore();
    for (let i = 0; i < 7; i++) await add(store, 1, { snapshots: store, snapshotEvery: 3 });
    const snap = await store.loadSnapshot('counter-1');
    assert.equal(snap?.version, 6);
    assert.deepEqual((snap?.state as { state: unknown } | undefined)?.state, { total: 6 });
    const loaded = await loadAggregate({
      store,
      snapshots: store,
      decider: counter,
      streamId: 'counter-1',
      snapshotEvery: 3,
    });
    assert.deepEqual([loaded.state, loaded.version, loaded.tailLength], [{ total: 7 }, 7, 1]);
  });

  test('a snapshot of another schema version is ignored; a failing snapshot store never fails a command', async () => {
    const store = new MemoryEventStore();
    for (let i = 0; i < 4; i++) await add(store, 1, { snapshots: store, snapshotEvery: 2 });
    const other = await loadAggregate({
      store,
      snapshots: store,
      decider: counter,
      streamId: 'counter-1',
      snapshotSchemaVersion: 2,
    });
    assert.deepEqual([other.state, other.tailLength], [{ total: 4 }, 4]);
    const broken: SnapshotStore = {
      loadSnapshot: async () => {
        throw new Error('down');
      },
      saveSnapshot: async (_s: Snapshot) => {
        throw new Error('down');
      },
    };
    const r = await add(store, 1, { snapshots: broken, snapshotEvery: 1 });
    assert.deepEqual([r.version, r.state], [5, { total: 5 }]);
  });

  test('a snapshot older than the newest events read first is still used, with a longer tail', async () => {
    const store = new MemoryEventStore();
    for (let i = 0; i < 10; i++) await add(store, 1);
    await store.saveSnapshot({
      streamId: 'counter-1',
      version: 3,
      schemaVersion: 1,
      state: { state: { total: 3 }, checkpoint: '', globalPosition: 0 },
      takenAt: new Date(),
    });
    const loaded = await loadAggregate({
      store,
      snapshots: store,
      decider: counter,
      streamId: 'counter-1',
      snapshotEvery: 3,
    });
    assert.deepEqual([loaded.state, loaded.version, loaded.tailLength], [{ total: 10 }, 10, 7]);
  });

  test('a stream shorter than the snapshot interval is read without asking for a snapshot', async () => {
    const store = new MemoryEventStore();
    let snapshotReads = 0;
    const snapshots: SnapshotStore = {
      loadSnapshot: (id) => {
        snapshotReads++;
        return store.loadSnapshot(id);
      },
      saveSnapshot: (s) => store.saveSnapshot(s),
    };
    for (let i = 0; i < 5; i++) await add(store, 1, { snapshots, snapshotEvery: 10 });
    const loaded = await loadAggregate({
      store,
      snapshots,
      decider: counter,
      streamId: 'counter-1',
      snapshotEvery: 10,
    });
    assert.deepEqual([loaded.state, loaded.version, snapshotReads], [{ total: 5 }, 5, 0]);
  });

  test('a 10,000-event stream loads from a snapshot in well under 50 ms', async () => {
    const store = new MemoryEventStore();
    for (let b = 0; b < 100; b++) {
      const events = Array.from({ length: 100 }, () => ({ type: 'Added', data: { n: 1 } }));
      await store.append('counter-big', events);
    }
    const full = await loadAggregate({ store, decider: counter, streamId: 'counter-big' });
    assert.deepEqual([full.version, full.state], [10_000, { total: 10_000 }]);
    await store.saveSnapshot({
      streamId: 'counter-big',
      version: 9_990,
      schemaVersion: 1,
      state: { state: { total: 9_990 }, checkpoint: '', globalPosition: 0 },
      takenAt: new Date(),
    });
    const opts = { store, snapshots: store, decider: counter, streamId: 'counter-big' };
    await loadAggregate(opts); // warm-up: JIT and module code
    const started = performance.now();
    const loaded = await loadAggregate(opts);
    const ms = performance.now() - started;
    assert.deepEqual([loaded.version, loaded.state, loaded.tailLength], [10_000, { total: 10_000 }, 10]);
    assert.ok(ms < 50, `loaded in ${ms.toFixed(2)} ms`);
  });
});
