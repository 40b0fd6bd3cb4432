/**
 * Gap-safe global order on PostgreSQL: a transaction that took its id early but commits late must
 * hold back readers (readAll, head, subscriptions) instead of being skipped. Held transactions
 * write through the store's own batch statement on a separate connection kept open.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import type { RecordedEvent } from '../../src/eventsourcing/eventStore.js';
import { runAppendBatch } from '../../src/eventsourcing/postgres/appendBatch.js';
import { PostgresEventStore } from '../../src/eventsourcing/postgres/postgresEventStore.js';
import { prepareAppend } from '../../src/eventsourcing/validation.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let pool: pg.Pool;
let reads = 0;
let horizonChecks = 0;
const onQuery = new Set<() => void>();
const heldClients = new Set<pg.Client>();

before(async () => {
  db = await createTestDatabase('gapsafe');
  db.pool.on('error', () => {});
  // A pool that counts gap-safe reads, so tests can wait for "the reader has looked again".
  pool = new pg.Pool({ connectionString: db.url, max: 8 });
  pool.on('error', () => {});
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '');
    if (text.includes('ORDER BY transaction_id, global_position')) reads++;
    if (text.startsWith('SELECT pg_snapshot_xmin')) horizonChecks++;
    for (const w of onQuery) w();
    return query(...args);
  };
});
after(async () => {
  // A failed test may leave a transaction open; it would hold back every reader.
  await Promise.all([...heldClients].map((c) => c.end().catch(() => {})));
  await pool.end();
  await db.drop();
});

/** Resolves when `cond()` holds, re-checked after every query the store sends. */
function until(cond: () => boolean): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!cond()) return;
      onQuery.delete(check);
      resolve();
    };
    onQuery.add(check);
  });
}

/** A transaction that appends one event through the batch statement and stays open. */
async function holdOpen(streamId: string, n: number) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  heldClients.add(client);
  await client.query('BEGIN');
  const p = prepareAppend(streamId, [{ type: 'Held', data: { n } }]);
  const [outcome] = await runAppendBatch(client as unknown as pg.PoolClient, [p], 'on');
  assert.equal(outcome!.status, 'ok');
  const xid = outcome!.xid;
  return {
    xid,
    async commit() {
      await client.query('COMMIT');
      heldClients.delete(client);
      await client.end();
    },
  };
}

const xidOf = (e: RecordedEvent) => BigInt(e.checkpoint.slice(0, 20));

function collector(store: PostgresEventStore, after: string, ns: string, check?: (e: RecordedEvent) => void) {
  const got: RecordedEvent[] = [];
  const sub = store.subscribe({
    after,
    streamPrefix: ns,
    handler: (e) => {
      check?.(e);
      got.push(e);
    },
  });
  return { got, sub };
}

function assertOrderedOnce(got: RecordedEvent[], expectedCount: number): void {
  assert.equal(new Set(got.map((e) => e.id)).size, got.length, 'each event once');
  assert.equal(got.length, expectedCount, 'every event delivered');
  for (let i = 1; i < got.length; i++) {
    assert.ok(got[i]!.checkpoint > got[i - 1]!.checkpoint, 'checkpoints strictly increase');
  }
}

describe('gap-safe global order (PostgreSQL)', { timeout: 120_000 }, () => {
  it('a subscriber waits for a transaction that commits late, then delivers everything once, in order', async () => {
    const store = await PostgresEventStore.create({ pool, pollIntervalMs: 20, readYourWritesTimeoutMs: 0 });
    try {
      const ns = 'one-';
      const start = (await store.head()).checkpoint;
      const { got, sub } = collector(store, start, ns);
      await store.append(`${ns}a`, [{ type: 'Before', data: {} }]);
      await until(() => got.length === 1);
      const held = await holdOpen(`${ns}held`, 0);
      const later = [];
      for (let i = 0; i < 3; i++)
        later.push(await store.append(`${ns}b${i}`, [{ type: 'Later', data: { i } }]));
      assert.ok(later.every((r) => BigInt(r.checkpoint.slice(0, 20)) > held.xid));
      // Several full reads after the later commits: none may pass the open transaction.
      const seen = reads;
      await until(() => reads >= seen + 5);
      assert.deepEqual(
        got.map((e) => e.type),
        ['Before'],
      );
      assert.deepEqual(await store.readAll({ after: got[0]!.checkpoint, streamPrefix: ns }), []);
      assert.ok(
        (await store.head()).checkpoint < later[0]!.checkpoint,
        'head stays below the open transaction',
      );
      await held.commit();
      await until(() => got.length === 5);
      assertOrderedOnce(got, 5);
      assert.deepEqual(
        got.map((e) => e.type),
        ['Before', 'Held', 'Later', 'Later', 'Later'],
      );
      assert.equal((await store.head()).checkpoint, later[2]!.checkpoint);
      await sub.stop();
    } finally {
      await store.close();
    }
  });

  it('readAll waits for this store’s own acknowledged append (read your writes)', async () => {
    const store = await PostgresEventStore.create({ pool, readYourWritesTimeoutMs: 60_000 });
    try {
      const ns = 'ryw-';
      const start = (await store.head()).checkpoint;
      const held = await holdOpen(`${ns}held`, 0);
      const mine = await store.append(`${ns}mine`, [{ type: 'Mine', data: {} }]);
      let settled = false;
      const pending = store.readAll({ after: start, streamPrefix: ns }).finally(() => {
        settled = true;
      });
      const seen = horizonChecks;
      await until(() => horizonChecks >= seen + 3);
      assert.equal(settled, false, 'readAll waits while an older transaction is open');
      await held.commit();
      const events = await pending;
      assert.deepEqual(
        events.map((e) => e.type),
        ['Held', 'Mine'],
      );
      assert.equal(events[1]!.checkpoint, mine.checkpoint);
    } finally {
      await store.close();
    }
  });

  it('randomized: several held-open transactions committing in random order', async () => {
    const store = await PostgresEventStore.create({ pool, pollIntervalMs: 10, readYourWritesTimeoutMs: 0 });
    try {
      const step = fc.record({
        hold: fc.boolean(),
        commitAt: fc.nat({ max: 100 }),
        appends: fc.nat({ max: 2 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 6 }), async (steps) => {
          const ns = `r${Math.random().toString(36).slice(2, 8)}-`;
          const start = (await store.head()).checkpoint;
          const open = new Map<bigint, { commit(): Promise<void> }>();
          const violations: string[] = [];
          const { got, sub } = collector(store, start, ns, (e) => {
            const oldest = [...open.keys()].reduce(
              (m, x) => (x < m ? x : m),
              BigInt(Number.MAX_SAFE_INTEGER),
            );
            if (xidOf(e) > oldest) violations.push(`${e.checkpoint} delivered while ${oldest} was open`);
          });
          let total = 0;
          for (const [i, s] of steps.entries()) {
            if (s.hold) {
              const h = await holdOpen(`${ns}held${i}`, i);
              open.set(h.xid, h);
              total++;
            }
            for (let k = 0; k < s.appends; k++)
              await store.append(`${ns}s${i}`, [{ type: 'T', data: { i, k } }]);
            total += s.appends;
            if (open.size > 0 && s.commitAt % 2 === 0) {
              const keys = [...open.keys()];
              const xid = keys[s.commitAt % keys.length]!;
              const h = open.get(xid)!;
              open.delete(xid); // before COMMIT: from here on its successors may be delivered
              await h.commit();
            }
          }
          for (const [xid, h] of [...open.entries()].sort(() => Math.random() - 0.5)) {
            open.delete(xid);
            await h.commit();
          }
          await until(() => got.length >= total);
          await sub.stop();
          assert.deepEqual(violations, []);
          assertOrderedOnce(got, total);
        }),
        { numRuns: 8 },
      );
    } finally {
      await store.close();
    }
  });
});
