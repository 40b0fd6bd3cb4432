import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAggregateCache } from '../../src/eventsourcing/aggregateCache.js';
import { type Decider, handleCommand } from '../../src/eventsourcing/commandHandler.js';
import type { SnapshotStore } from '../../src/eventsourcing/eventStore.js';
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

describe('aggregate cache', () => {
  test('a cached state skips the snapshot read; a stale one catches up from the tail', async () => {
    const store = new MemoryEventStore();
    let snapshotReads = 0;
    const snapshots: SnapshotStore = {
      loadSnapshot: (id) => {
        snapshotReads++;
        return store.loadSnapshot(id);
      },
      saveSnapshot: (s) => store.saveSnapshot(s),
    };
    const cache = createAggregateCache<{ total: number }>();
    const cached = { cache, snapshots, snapshotEvery: 1 };
    await add(store, 1);
    await add(store, 10);
    await add(store, 100, cached);
    await add(store, 1000); // another writer, without the cache
    const last = await add(store, 10000, cached);
    assert.deepEqual([last.version, last.state], [5, { total: 11111 }]);
    assert.equal(snapshotReads, 1, 'only the first cached load read the snapshot store');
    assert.deepEqual(cache.get('counter-1')?.state, { total: 11111 });
  });

  test('trusted cache: a stale state is caught by the expected version, then re-loaded', async () => {
    const store = new MemoryEventStore();
    const cache = createAggregateCache<{ total: number }>();
    await add(store, 1, { cache, trustCache: true });
    await add(store, 10); // another writer: the cache is now stale
    const r = await add(store, 100, { cache, trustCache: true });
    assert.deepEqual([r.version, r.state], [3, { total: 111 }]);
  });

  test('trusted cache: refusals and no-ops decided on a stale state are re-checked', async () => {
    type Cmd = { type: 'SetIf'; from: number; to: number } | { type: 'Ensure'; to: number };
    const setter: Decider<Cmd, { type: 'Set'; data: { to: number } }, number> = {
      initialState: () => 0,
      evolve: (_s, e) => e.data.to,
      decide: (c, s) => {
        if (c.type === 'SetIf' && c.from !== s) throw new PaystreamError('PAY_INVALID_TRANSITION', 'moved');
        return c.type === 'Ensure' && c.to === s ? [] : [{ type: 'Set', data: { to: c.to } }];
      },
    };
    const store = new MemoryEventStore();
    const cache = createAggregateCache<number>();
    const run = (command: Cmd, trusted = true) =>
      handleCommand({
        store,
        decider: setter,
        streamId: 's',
        command,
        ...(trusted ? { cache, trustCache: true } : {}),
      });
    await run({ type: 'SetIf', from: 0, to: 1 });
    await run({ type: 'SetIf', from: 1, to: 2 }, false); // the cache still says 1
    const accepted = await run({ type: 'SetIf', from: 2, to: 3 });
    assert.deepEqual([accepted.version, accepted.state], [3, 3]);
    await run({ type: 'SetIf', from: 3, to: 1 }, false); // the cache says 3, the store 1
    const ensured = await run({ type: 'Ensure', to: 3 });
    assert.deepEqual([ensured.version, ensured.state, ensured.events.length], [5, 3, 1]);
  });

  test('the cache never goes back to an older version', () => {
    const cache = createAggregateCache<number>();
    cache.set('s', { state: 2, version: 2, checkpoint: '2', globalPosition: 2 });
    cache.set('s', { state: 1, version: 1, checkpoint: '1', globalPosition: 1 });
    assert.equal(cache.get('s')?.version, 2);
  });
});
