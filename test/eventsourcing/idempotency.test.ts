import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { type Decider, handleCommand } from '../../src/eventsourcing/commandHandler.js';
import { pruneIdempotencyKeys, scheduleIdempotencyPruning } from '../../src/eventsourcing/idempotency.js';
import { MemoryEventStore } from '../../src/eventsourcing/memory/memoryEventStore.js';
import { PaystreamError } from '../../src/shared/errors.js';

type E = { type: 'Added'; data: { n: number } };
const counter: Decider<{ n: number }, E, number> = {
  initialState: () => 0,
  evolve: (s, e) => s + e.data.n,
  decide: (c) => [{ type: 'Added', data: { n: c.n } }],
};

function run(store: MemoryEventStore, streamId: string, key: string, requestHash: string) {
  return handleCommand({
    store,
    decider: counter,
    streamId,
    command: { n: 1 },
    idempotency: { key, requestHash },
    response: ({ state, version }) => ({ total: state, version }),
  });
}

describe('command idempotency', () => {
  test('the same key and hash replays the stored result and writes nothing', async () => {
    const store = new MemoryEventStore();
    const first = await run(store, 's-1', 'actor:k1', 'h1');
    const again = await run(store, 's-1', 'actor:k1', 'h1');
    assert.deepEqual([first.replayed, again.replayed], [false, true]);
    assert.deepEqual(again.response, { total: 1, version: 1 });
    assert.deepEqual(
      [again.version, again.checkpoint, again.globalPosition, again.streamId],
      [first.version, first.checkpoint, first.globalPosition, 's-1'],
    );
    assert.equal(await store.streamVersion('s-1'), 1);
  });

  test('the same key with another request hash is PAY_IDEMPOTENCY_MISMATCH', async () => {
    const store = new MemoryEventStore();
    await run(store, 's-1', 'actor:k1', 'h1');
    await assert.rejects(run(store, 's-1', 'actor:k1', 'h2'), { code: 'PAY_IDEMPOTENCY_MISMATCH' });
    assert.equal(await store.streamVersion('s-1'), 1);
  });

  test('concurrent duplicates produce exactly one effect, even on different streams', async () => {
    const store = new MemoryEventStore();
    // Different streams model createPayment: each duplicate draws its own new payment id.
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => run(store, `s-${i}`, 'actor:k1', 'h1')),
    );
    assert.equal((await store.head()).globalPosition, 1);
    assert.equal(results.filter((r) => !r.replayed).length, 1);
    const winner = results.find((r) => !r.replayed);
    for (const r of results)
      assert.deepEqual([r.streamId, r.checkpoint], [winner?.streamId, winner?.checkpoint]);
  });

  test('a concurrent duplicate with another hash is PAY_IDEMPOTENCY_MISMATCH', async () => {
    const store = new MemoryEventStore();
    const settled = await Promise.allSettled([
      run(store, 's-1', 'actor:k1', 'h1'),
      run(store, 's-2', 'actor:k1', 'h2'),
    ]);
    const rejected = settled.filter((s) => s.status === 'rejected');
    assert.equal(rejected.length, 1);
    assert.equal((rejected[0] as PromiseRejectedResult).reason.code, 'PAY_IDEMPOTENCY_MISMATCH');
  });

  test('keys are kept 24 hours, then pruned', async () => {
    const store = new MemoryEventStore();
    await run(store, 's-1', 'actor:k1', 'h1');
    const hours = (h: number) => new Date(Date.now() + h * 3_600_000);
    assert.equal(await pruneIdempotencyKeys(store, hours(23)), 0);
    assert.ok(await store.getIdempotencyRecord('actor:k1'));
    assert.equal(await pruneIdempotencyKeys(store, hours(25)), 1);
    assert.equal(await store.getIdempotencyRecord('actor:k1'), undefined);
    await assert.rejects(pruneIdempotencyKeys(store, hours(25), 1), RangeError);
  });
});

test('scheduled pruning runs every interval with the configured clock', async () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const befores: Date[] = [];
    const store = {
      pruneIdempotency: async (before: Date) => {
        befores.push(before);
        return 2;
      },
    };
    const pruned: number[] = [];
    const now = new Date('2026-03-02T12:00:00.000Z');
    const job = scheduleIdempotencyPruning(store, {
      everyMs: 1000,
      now: () => now,
      onPruned: (n) => pruned.push(n),
    });
    mock.timers.tick(1000);
    mock.timers.tick(1000);
    await job.runOnce();
    job.stop();
    mock.timers.tick(5000);
    assert.deepEqual(
      befores.map((d) => d.toISOString()),
      Array(3).fill('2026-03-01T12:00:00.000Z'),
    );
    assert.deepEqual(pruned, [2, 2, 2]);
  } finally {
    mock.timers.reset();
  }
});

describe('command idempotency with the key looked up late (lookupKeyFirst: false)', () => {
  type C = { type: 'Set'; to: number };
  // Setting the value it already has does nothing; setting below the current value is refused.
  const setter: Decider<C, { type: 'Set'; data: { to: number } }, number> = {
    initialState: () => 0,
    evolve: (_s, e) => e.data.to,
    decide: (c, s) => {
      if (c.to < s) throw new PaystreamError('PAY_INVALID_TRANSITION', 'lower');
      return c.to === s ? [] : [{ type: 'Set', data: { to: c.to } }];
    },
  };
  const lazy = (store: MemoryEventStore, to: number, requestHash = `h${to}`, key = 'k1') =>
    handleCommand({
      store,
      decider: setter,
      streamId: 's-1',
      command: { type: 'Set', to },
      idempotency: { key, requestHash },
      lookupKeyFirst: false,
      response: ({ state }) => ({ state }),
    });

  test('a replay whose command now does nothing, or is refused, returns the stored result', async () => {
    const store = new MemoryEventStore();
    const first = await lazy(store, 5);
    const noop = await lazy(store, 5);
    await handleCommand({ store, decider: setter, streamId: 's-1', command: { type: 'Set', to: 9 } });
    const refusedNow = await lazy(store, 5);
    for (const r of [noop, refusedNow]) {
      assert.deepEqual([r.replayed, r.response, r.checkpoint], [true, { state: 5 }, first.checkpoint]);
    }
    assert.equal(await store.streamVersion('s-1'), 2);
  });

  test('a replay that would append again is caught by the store; another hash is a mismatch', async () => {
    const store = new MemoryEventStore();
    const run = (requestHash: string) =>
      handleCommand({
        store,
        decider: counter,
        streamId: 's-1',
        command: { n: 1 },
        idempotency: { key: 'k1', requestHash },
        lookupKeyFirst: false,
      });
    const [a, b] = await Promise.all([run('h'), run('h')]);
    const again = await run('h');
    assert.deepEqual([a.replayed, b.replayed, again.replayed], [false, true, true]);
    await assert.rejects(run('other'), { code: 'PAY_IDEMPOTENCY_MISMATCH' });
    assert.equal(await store.streamVersion('s-1'), 1);
  });
});
