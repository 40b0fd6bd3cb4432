/**
 * A fast-check property for any event store: many concurrent writers on overlapping streams,
 * each appending with an exact expectedVersion and retrying on ConcurrencyError. Afterwards no
 * event is lost or duplicated, versions are gap-free per stream, every stream appears in version
 * order in readAll, and readAll checkpoints strictly increase.
 *   await checkConcurrencyProperty(makeStore, { numRuns: 20 });
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ConcurrencyError } from '../../shared/errors.js';
import type { EventStore, RecordedEvent } from '../eventStore.js';

export interface ConcurrencyPropertyOptions {
  numRuns?: number;
  seed?: number;
}

interface Op {
  stream: number;
  size: number;
  /** Some writers append with 'any': they must still never lose or duplicate. */
  any: boolean;
}

const opArb = fc.record({
  stream: fc.nat({ max: 3 }),
  size: fc.integer({ min: 1, max: 3 }),
  any: fc.boolean(),
});
const writersArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 8 });

async function runWriter(store: EventStore, ns: string, writer: number, ops: Op[]): Promise<number> {
  let retries = 0;
  for (const [seq, op] of ops.entries()) {
    const stream = `${ns}${op.stream}`;
    const events = Array.from({ length: op.size }, (_, part) => ({
      type: 'Op',
      data: { writer, seq, part },
    }));
    for (;;) {
      const version = await store.streamVersion(stream);
      try {
        await store.append(stream, events, { expectedVersion: op.any ? 'any' : version });
        break;
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
        retries++;
      }
    }
  }
  return retries;
}

async function readNamespace(store: EventStore, ns: string, after: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after, limit: 100, streamPrefix: ns });
    out.push(...page);
    if (page.length < 100) return out;
    after = page[page.length - 1]!.checkpoint;
  }
}

async function verify(store: EventStore, ns: string, start: string, writers: Op[][]): Promise<void> {
  const all = await readNamespace(store, ns, start);
  // Fixed key order: PostgreSQL's jsonb stores objects with its own key order.
  const key = (d: unknown) => {
    const { writer, seq, part } = d as { writer: number; seq: number; part: number };
    return JSON.stringify({ writer, seq, part });
  };
  const expected = writers.flatMap((ops, writer) =>
    ops.flatMap((op, seq) => Array.from({ length: op.size }, (_, part) => key({ writer, seq, part }))),
  );
  assert.deepEqual(all.map((e) => key(e.data)).sort(), expected.sort(), 'every event exactly once');
  for (let i = 1; i < all.length; i++) {
    assert.ok(all[i]!.checkpoint > all[i - 1]!.checkpoint, 'checkpoints strictly increase');
  }
  const byStream = new Map<string, RecordedEvent[]>();
  for (const e of all) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  for (const [stream, events] of byStream) {
    assert.deepEqual(
      events.map((e) => e.streamVersion),
      events.map((_, i) => i + 1),
      `${stream}: gap-free, in version order in readAll`,
    );
    const read = await store.readStream(stream);
    assert.deepEqual(
      read.map((e) => e.id),
      events.map((e) => e.id),
      `${stream}: readStream agrees with readAll`,
    );
    assert.equal(await store.streamVersion(stream), events.length);
  }
  for (const w of writers.keys()) {
    // A writer's appends to one stream land in its own order.
    const mine = all.filter((e) => (e.data as { writer: number }).writer === w);
    for (const stream of byStream.keys()) {
      const seqs = mine.filter((e) => e.streamId === stream).map((e) => (e.data as { seq: number }).seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );
    }
  }
}

/** Runs the property against fresh namespaces of the store `makeStore` returns. */
export async function checkConcurrencyProperty(
  makeStore: () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>,
  options: ConcurrencyPropertyOptions = {},
): Promise<void> {
  const { store, cleanup } = await makeStore();
  try {
    await fc.assert(
      fc.asyncProperty(writersArb, async (writers) => {
        const ns = `prop-${randomUUID().slice(0, 8)}-`;
        const start = (await store.head()).checkpoint;
        await Promise.all(writers.map((ops, w) => runWriter(store, ns, w, ops)));
        await verify(store, ns, start, writers);
      }),
      { numRuns: options.numRuns ?? 30, seed: options.seed },
    );
  } finally {
    await cleanup();
  }
}
