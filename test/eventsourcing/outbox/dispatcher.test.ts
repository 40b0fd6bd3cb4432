import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import {
  backoffDelay,
  type HandlerVerdict,
  OutboxDispatcher,
  type OutboxHandler,
} from '../../../src/eventsourcing/outbox/dispatcher.js';
import { refreshOutboxGauges } from '../../../src/eventsourcing/outbox/gauges.js';
import { MemoryOutboxStore } from '../../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { createMetrics } from '../../../src/observability/metrics.js';

function setup() {
  const es = new MemoryEventStore();
  const store = new MemoryOutboxStore(es.outbox);
  const enqueue = (n: number, kind = 'work') =>
    es.append(`s-${n}`, [{ type: 'Asked', data: { n } }], {
      outbox: [{ kind, dedupKey: `${kind}-${n}`, payload: { n } }],
    });
  return { es, store, enqueue };
}

describe('OutboxDispatcher', () => {
  it('routes by kind and completes handled messages', async () => {
    const { store, enqueue } = setup();
    const seen: string[] = [];
    const handler =
      (tag: string): OutboxHandler =>
      async (m) => {
        seen.push(`${tag}:${(m.payload as { n: number }).n}`);
        return { status: 'done' };
      };
    await enqueue(1, 'a');
    await enqueue(2, 'b');
    const d = new OutboxDispatcher({ store, handlers: { a: handler('A'), b: handler('B') } });
    await d.drain(5_000);
    assert.deepEqual(seen.sort(), ['A:1', 'B:2']);
    assert.equal((await store.list({ state: 'done' })).length, 2);
  });

  it('retries with backoff, then dead-letters after maxAttempts with the last error', async () => {
    const { store, enqueue } = setup();
    await enqueue(1);
    let calls = 0;
    const d = new OutboxDispatcher({
      store,
      maxAttempts: 3,
      backoff: { baseMs: 1, maxMs: 2 },
      handlers: {
        work: async (): Promise<HandlerVerdict> => {
          calls += 1;
          return { status: 'retry', error: `provider 503 #${calls}` };
        },
      },
    });
    await d.drain(5_000);
    assert.equal(calls, 3);
    const [dead] = await store.list({ state: 'dead' });
    assert.equal(dead?.attempts, 3);
    assert.equal(dead?.lastError, 'gave up after 3 attempts: provider 503 #3');
  });

  it('dead-letters at once on a dead verdict or an unknown kind, and retries a thrown handler', async () => {
    const { store, enqueue } = setup();
    await enqueue(1, 'bug');
    await enqueue(2, 'nobody');
    await enqueue(3, 'flaky');
    let flaky = 0;
    const d = new OutboxDispatcher({
      store,
      backoff: { baseMs: 1, maxMs: 1 },
      handlers: {
        bug: async () => ({ status: 'dead', error: 'invalid amount sent to provider' }),
        flaky: async () => {
          flaky += 1;
          if (flaky === 1) throw new Error('socket hang up');
          return { status: 'done' };
        },
      },
    });
    await d.drain(5_000);
    const dead = await store.list({ state: 'dead' });
    assert.deepEqual(dead.map((m) => m.lastError).sort(), [
      'invalid amount sent to provider',
      'no handler for kind nobody',
    ]);
    const [done] = await store.list({ state: 'done' });
    assert.equal(done?.kind, 'flaky');
    assert.equal(done?.attempts, 2);
  });

  it('wakes on commits when started with wakeOn, long before the poll interval', async () => {
    const { es, store, enqueue } = setup();
    let resolveHandled!: (n: number) => void;
    const handled = new Promise<number>((r) => {
      resolveHandled = r;
    });
    const d = new OutboxDispatcher({
      store,
      wakeOn: es,
      pollIntervalMs: 60_000,
      handlers: {
        work: async (m) => {
          resolveHandled((m.payload as { n: number }).n);
          return { status: 'done' };
        },
      },
    });
    await d.start();
    const started = Date.now();
    await enqueue(42);
    assert.equal(await handled, 42);
    assert.ok(Date.now() - started < 5_000, 'woken by the commit, not by the 60 s poll');
    await d.stop();
  });

  it('keeps handling new messages while a slow one is in flight', async () => {
    const { es, store, enqueue } = setup();
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((r) => {
      releaseSlow = r;
    });
    let slowStarted!: () => void;
    const slowRunning = new Promise<void>((r) => {
      slowStarted = r;
    });
    let fastDone!: () => void;
    const fastHandled = new Promise<void>((r) => {
      fastDone = r;
    });
    const d = new OutboxDispatcher({
      store,
      wakeOn: es,
      pollIntervalMs: 60_000,
      handlers: {
        slow: async () => {
          slowStarted();
          await slowGate;
          return { status: 'done' };
        },
        fast: async () => {
          fastDone();
          return { status: 'done' };
        },
      },
    });
    await d.start();
    await enqueue(1, 'slow');
    await slowRunning;
    await enqueue(2, 'fast');
    await fastHandled;
    assert.equal((await store.list({ state: 'leased' }))[0]?.kind, 'slow', 'the slow one is still in flight');
    releaseSlow();
    await d.stop();
    assert.equal((await store.list({ state: 'done' })).length, 2, 'stop waits for the message in flight');
  });

  it('computes jittered exponential backoff within bounds', () => {
    assert.equal(
      backoffDelay(1, 100, 10_000, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(1, 100, 10_000, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(4, 100, 10_000, () => 1),
      800,
    );
    assert.equal(
      backoffDelay(30, 100, 10_000, () => 1),
      10_000,
    );
  });

  it('publishes outbox depth and oldest age as metrics', async () => {
    const { store, enqueue } = setup();
    await enqueue(1);
    await enqueue(2);
    const metrics = createMetrics();
    const s = await refreshOutboxGauges(store, metrics);
    assert.equal(s.pending, 2);
    const text = await metrics.registry.metrics();
    assert.match(text, /outbox_depth\{state="pending"\} 2/);
    assert.match(text, /outbox_oldest_age_seconds \d/);
  });
});
