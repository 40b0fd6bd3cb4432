/**
 * The conformance suite every OutboxStore adapter passes (memory, SQLite, PostgreSQL).
 * Rows get in the way production rows do: through the event store's append (AppendOptions.outbox),
 * unless a fixture has no event store yet and inserts them its own way.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { OutboxMessageInput } from '../eventStore.js';
import type { OutboxMessage, OutboxStore } from '../outbox/outboxStore.js';

/** A clock the suite moves by hand, so lease expiry and retry times are tested without waiting. */
export class ManualClock {
  private t: number;
  constructor(start = Date.now() + 1_000) {
    this.t = start;
  }
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface OutboxFixture {
  /** A store instance; each call may open another connection on the same database. */
  openStore(clock: () => Date): OutboxStore;
  /** Writes messages as an append with AppendOptions.outbox would. */
  enqueue(streamId: string, messages: OutboxMessageInput[]): Promise<void>;
  /** Empties the table between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

let seq = 0;
function msg(n: number): OutboxMessageInput {
  seq += 1;
  return { kind: 'test.work', dedupKey: `dedup-${seq}-${n}`, payload: { n, nested: { ok: true } } };
}

async function enqueueMany(f: OutboxFixture, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await f.enqueue(`s-${seq}-${i}`, [msg(i)]);
}

export function outboxStoreContract(name: string, makeFixture: () => Promise<OutboxFixture>): void {
  describe(`OutboxStore contract: ${name}`, () => {
    let f: OutboxFixture;
    let clock: ManualClock;
    let store: OutboxStore;
    before(async () => {
      f = await makeFixture();
    });
    after(async () => f.close());
    beforeEach(async () => {
      await f.reset();
      clock = new ManualClock();
      store = f.openStore(clock.now);
    });

    it('leases pending messages oldest first, counting attempts and recording the lease', async () => {
      const t = clock.now().getTime() - 2_000;
      await f.enqueue('s-b', [{ ...msg(2), availableAt: new Date(t + 500) }]);
      await f.enqueue('s-a', [{ ...msg(1), availableAt: new Date(t) }]);
      const got = await store.lease('w1', 10, 30_000);
      assert.deepEqual(
        got.map((m) => (m.payload as { n: number }).n),
        [1, 2],
      );
      for (const m of got) {
        assert.equal(m.state, 'leased');
        assert.equal(m.attempts, 1);
        assert.equal(m.leaseOwner, 'w1');
        assert.equal(m.leaseExpiresAt?.getTime(), clock.now().getTime() + 30_000);
        assert.equal(m.kind, 'test.work');
        assert.deepEqual((m.payload as { nested: unknown }).nested, { ok: true });
      }
      assert.equal(got[0]?.streamId, 's-a');
      assert.deepEqual(await store.lease('w2', 10, 30_000), [], 'a held lease is exclusive');
    });

    it('respects the limit', async () => {
      await enqueueMany(f, 5);
      assert.equal((await store.lease('w1', 3, 30_000)).length, 3);
      assert.equal((await store.lease('w1', 3, 30_000)).length, 2);
    });

    it('ignores a second message with the same dedup key', async () => {
      const m = msg(7);
      await f.enqueue('s-d', [m]);
      await f.enqueue('s-d2', [{ ...m, id: undefined }]);
      assert.equal((await store.list({})).length, 1);
    });

    it('never gives the same row to two dispatchers leasing concurrently', async () => {
      await enqueueMany(f, 60);
      const owners = ['w1', 'w2', 'w3', 'w4'];
      const stores = owners.map(() => f.openStore(clock.now));
      const taken = new Map<string, string>();
      const drain = async (s: OutboxStore, owner: string): Promise<void> => {
        for (;;) {
          const got = await s.lease(owner, 4, 30_000);
          if (got.length === 0) return;
          for (const m of got) {
            assert.equal(taken.get(m.id), undefined, `row ${m.id} leased twice`);
            taken.set(m.id, owner);
          }
        }
      };
      await Promise.all(stores.map((s, i) => drain(s, owners[i]!)));
      assert.equal(taken.size, 60);
    });

    it('makes a message with an expired lease leasable again, and the first holder loses it', async () => {
      await f.enqueue('s-e', [msg(1)]);
      const [first] = await store.lease('w1', 1, 5_000);
      assert.ok(first);
      clock.advance(4_999);
      assert.deepEqual(await store.lease('w2', 1, 5_000), [], 'not before expiry');
      clock.advance(1);
      const [again] = await store.lease('w2', 1, 5_000);
      assert.equal(again?.id, first.id);
      assert.equal(again?.attempts, 2);
      assert.equal(again?.leaseOwner, 'w2');
      assert.equal(await store.complete(first.id, 'w1'), false, 'complete with a lost lease');
      assert.equal(await store.fail(first.id, 'w1', 'late', { dead: true }), false, 'fail with a lost lease');
      assert.equal(await store.complete(first.id, 'w2'), true);
    });

    it('completes a held message once', async () => {
      await f.enqueue('s-c', [msg(1)]);
      const [m] = await store.lease('w1', 1, 30_000);
      assert.ok(m);
      assert.equal(await store.complete(m.id, 'w2'), false, 'another owner');
      assert.equal(await store.complete(m.id, 'w1'), true);
      assert.equal(await store.complete(m.id, 'w1'), false, 'no longer leased');
      const done = (await store.get(m.id)) as OutboxMessage;
      assert.equal(done.state, 'done');
      assert.equal(done.leaseOwner, null);
      assert.equal(done.completedAt?.getTime(), clock.now().getTime());
      assert.deepEqual(await store.lease('w1', 1, 30_000), []);
    });

    it('fails back to pending at the retry time, keeping the error', async () => {
      await f.enqueue('s-f', [msg(1)]);
      const [m] = await store.lease('w1', 1, 30_000);
      assert.ok(m);
      const retryAt = new Date(clock.now().getTime() + 10_000);
      assert.equal(await store.fail(m.id, 'w1', 'provider 503', { retryAt }), true);
      const pending = (await store.get(m.id)) as OutboxMessage;
      assert.equal(pending.state, 'pending');
      assert.equal(pending.lastError, 'provider 503');
      assert.equal(pending.availableAt.getTime(), retryAt.getTime());
      assert.equal(pending.leaseOwner, null);
      assert.deepEqual(await store.lease('w1', 1, 30_000), [], 'not before retryAt');
      clock.advance(10_000);
      const [again] = await store.lease('w1', 1, 30_000);
      assert.equal(again?.attempts, 2);
    });

    it('dead-letters, lists and retries; retrying a live message is refused', async () => {
      await enqueueMany(f, 2);
      const [a, b] = await store.lease('w1', 2, 30_000);
      assert.ok(a && b);
      assert.equal(await store.fail(a.id, 'w1', 'bad request: amount', { dead: true }), true);
      const dead = await store.list({ state: 'dead' });
      assert.deepEqual(
        dead.map((m) => [m.id, m.lastError]),
        [[a.id, 'bad request: amount']],
      );
      assert.deepEqual(await store.lease('w2', 5, 30_000), [], 'a dead letter is never leased');
      await assert.rejects(store.retry(b.id), { code: 'PAY_OUTBOX_NOT_DEAD' });
      await assert.rejects(store.retry('00000000-0000-7000-8000-000000000000'), { code: 'PAY_NOT_FOUND' });
      const retried = await store.retry(a.id);
      assert.equal(retried.state, 'pending');
      assert.equal(retried.attempts, 0);
      const [again] = await store.lease('w2', 5, 30_000);
      assert.equal(again?.id, a.id);
      assert.equal(again?.attempts, 1);
    });

    it('lists by state with a limit', async () => {
      await enqueueMany(f, 3);
      await store.lease('w1', 1, 30_000);
      assert.equal((await store.list({ state: 'pending' })).length, 2);
      assert.equal((await store.list({ state: 'leased' })).length, 1);
      assert.equal((await store.list({ limit: 2 })).length, 2);
      assert.equal((await store.list({})).length, 3);
    });

    it('reports depth by state and the age of the oldest live message', async () => {
      assert.deepEqual(await store.stats(), { pending: 0, leased: 0, dead: 0, oldestAgeSeconds: 0 });
      await enqueueMany(f, 4);
      const [a, b] = await store.lease('w1', 2, 30_000);
      assert.ok(a && b);
      await store.fail(a.id, 'w1', 'x', { dead: true });
      await store.complete(b.id, 'w1');
      clock.advance(60_000);
      const s = await store.stats();
      assert.equal(s.pending, 2);
      assert.equal(s.leased, 0);
      assert.equal(s.dead, 1);
      assert.ok(s.oldestAgeSeconds >= 60 && s.oldestAgeSeconds < 120, `age ${s.oldestAgeSeconds}`);
    });
  });
}
