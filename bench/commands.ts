/**
 * `npm run bench:commands [-- --runs 3 --duration 2000 --concurrency 64 --only sqlite|postgres]`
 * The full command path — load (snapshot + tail), decide, one append carrying the events, the
 * idempotency record and the outbox rows — through PaymentCommandService, next to the store-only
 * append rate (one event to a new stream) measured in the same run on the same store, runs
 * alternating with the scenario's.
 * Target: the command path at >= 60% of the store-only rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type {
  EventStore,
  IdempotencyStore,
  NewEvent,
  SnapshotStore,
} from '../src/eventsourcing/eventStore.js';
import { PostgresEventStore } from '../src/eventsourcing/postgres/postgresEventStore.js';
import { SqliteEventStore } from '../src/eventsourcing/sqlite/sqliteEventStore.js';
import { newPaymentId } from '../src/payments/commands/ids.js';
import { EventSourcedPaymentCommandService } from '../src/payments/commands/paymentCommandService.js';
import { paymentStreamId } from '../src/payments/domain/events.js';
import { createTestDatabase } from '../test/support/pg.js';
import {
  type LoadOptions,
  median,
  printTable,
  type Row,
  type RunResult,
  runOnce,
  type Summary,
  toRow,
} from './lib/harness.js';
import { benchStreamLoad } from './loadStream.js';

type Store = EventStore & IdempotencyStore & SnapshotStore;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    only: { type: 'string' },
  },
});
const load: LoadOptions = {
  concurrency: Number(values.concurrency),
  runs: Number(values.runs),
  durationMs: Number(values.duration),
  warmup: 200,
};
const at = '2026-01-01T00:00:00.000Z';
const input = {
  amount: 12_500,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  customer: 'cus_123',
  metadata: { order: '42' },
};

function requested(paymentId: string, amount: number, captureMethod: 'automatic' | 'manual'): NewEvent {
  const data = {
    paymentId,
    amount,
    currency: 'eur',
    captureMethod,
    paymentMethod: 'pm_card_visa',
    customer: null,
    description: null,
    metadata: {},
    requestedAt: at,
  };
  return { type: 'PaymentRequested', schemaVersion: 2, data };
}

/** Payments set up directly in the store (not measured): authorized ones to capture, captured ones to refund. */
async function seed(store: Store, n: number, kind: 'authorized' | 'captured'): Promise<string[]> {
  const ids = Array.from({ length: n }, () => newPaymentId());
  const amount = 99_999_900;
  for (let i = 0; i < ids.length; i += 256) {
    await Promise.all(
      ids.slice(i, i + 256).map((paymentId) => {
        const outcome: NewEvent =
          kind === 'authorized'
            ? {
                type: 'PaymentAuthorized',
                data: {
                  paymentId,
                  providerPaymentId: `pi_${paymentId}`,
                  amountAuthorized: amount,
                  authorizedAt: at,
                },
              }
            : {
                type: 'PaymentCaptured',
                data: { paymentId, providerPaymentId: `pi_${paymentId}`, amount, capturedAt: at },
              };
        const submitted = {
          type: 'PaymentSubmitted',
          data: { paymentId, providerPaymentId: `pi_${paymentId}`, submittedAt: at },
        };
        const first = requested(paymentId, amount, kind === 'authorized' ? 'manual' : 'automatic');
        return store.append(paymentStreamId(paymentId), [first, submitted, outcome], {
          expectedVersion: 'no_stream',
        });
      }),
    );
  }
  return ids;
}

type Op = (i: number) => Promise<unknown>;
let baseSeq = 0;

/**
 * Runs of the scenario alternate with runs of the store-only append on the same store, so both
 * see the same database size and machine load; each side is the median of its runs.
 */
async function paired(store: Store, op: Op): Promise<{ ours: Summary; base: Summary }> {
  const baseOp: Op = () => {
    const n = baseSeq++;
    return store.append(`bench-${n}`, [requested(`pay_${n}`, 12_500, 'automatic')], {
      expectedVersion: 'no_stream',
    });
  };
  const seq = { next: 0 };
  await runOnce(op, { concurrency: load.concurrency, count: load.warmup ?? 0 }, seq);
  await runOnce(baseOp, { concurrency: load.concurrency, count: load.warmup ?? 0 });
  const ours: RunResult[] = [];
  const base: RunResult[] = [];
  for (let r = 0; r < (load.runs ?? 3); r++) {
    base.push(await runOnce(baseOp, load));
    ours.push(await runOnce(op, load, seq));
  }
  const summary = (runs: RunResult[]): Summary => ({
    runs,
    opsPerSec: median(runs.map((x) => x.opsPerSec)),
    p50Ms: median(runs.map((x) => x.p50Ms)),
    p99Ms: median(runs.map((x) => x.p99Ms)),
  });
  return { ours: summary(ours), base: summary(base) };
}

function row(name: string, m: { ours: Summary; base: Summary }): Row {
  return toRow(name, load.concurrency, m.ours, { name: 'store append', opsPerSec: m.base.opsPerSec });
}

async function benchStore(name: string, store: Store): Promise<Row[]> {
  const service = new EventSourcedPaymentCommandService({ store, snapshots: store });
  // i restarts with each measured scenario: the scenario goes into the key.
  const ctx = (scenario: string, i: number) => ({
    actor: 'key_bench',
    correlationId: `req-${i}`,
    idempotencyKey: `${scenario}-${i}`,
  });
  // The same append a create makes (given id, idempotency record, outbox row) without load and
  // decide: separates the store's cost of the side rows from the command path's own overhead.
  const withSideRows = await paired(store, (i) => {
    const paymentId = newPaymentId();
    const id = uuidv7();
    return store.append(paymentStreamId(paymentId), [{ ...requested(paymentId, 12_500, 'automatic'), id }], {
      expectedVersion: 'no_stream',
      idempotency: {
        key: `key_bench:side-${i}`,
        requestHash: 'h'.repeat(64),
        response: { version: 1, response: { paymentId } },
      },
      outbox: [
        {
          kind: 'provider.create_payment',
          dedupKey: `provider.create_payment:${id}`,
          payload: { ...input, paymentId, idempotencyKey: id },
        },
      ],
    });
  });
  const create = await paired(store, (i) => service.createPayment(input, ctx('create', i)));
  // Capture/refund mix: each capture takes a fresh authorized payment (when the pool runs dry
  // the op refunds instead); refunds of 1.00 spread over 1,000 captured payments.
  const captureBudget = create.ours.opsPerSec * ((load.durationMs ?? 2000) / 1000) * ((load.runs ?? 3) + 1);
  const toCapture = await seed(store, Math.ceil(captureBudget) + 1000, 'authorized');
  const toRefund = await seed(store, 1000, 'captured');
  let captures = 0;
  let refunds = 0;
  const mix = await paired(store, async (i) => {
    const paymentId = i % 2 === 0 ? toCapture.pop() : undefined;
    if (paymentId) {
      captures++;
      return service.capturePayment(paymentId, {}, ctx('mix', i));
    }
    refunds++;
    return service.refundPayment(toRefund[i % toRefund.length]!, { amount: 100 }, ctx('mix', i));
  });
  console.log(`${name}: capture/refund mix ran ${captures} captures and ${refunds} refunds`);
  return [
    row(`${name} append + idempotency + outbox`, withSideRows),
    row(`${name} createPayment`, create),
    row(`${name} capture/refund mix`, mix),
  ];
}

async function sqlite(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-bench-cmd-'));
  const store = new SqliteEventStore({ path: join(dir, 'bench.db'), synchronous: 'full' });
  try {
    loads.push(['SQLite, small state', await benchStreamLoad(store, 'corrections')]);
    loads.push(['SQLite, 9,997 refunds in the state', await benchStreamLoad(store, 'refunds')]);
    return await benchStore('SQLite (sync FULL)', store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<Row[]> {
  const db = await createTestDatabase('benchcmd');
  // A pool of its own, large enough for 64 concurrent commands' reads beside the writer's batches.
  const store = await PostgresEventStore.create({ connectionString: db.url, poolSize: 32 });
  try {
    const analyze = () => store.pool.query('ANALYZE events');
    loads.push(['PostgreSQL, small state', await benchStreamLoad(store, 'corrections', analyze)]);
    loads.push(['PostgreSQL, 9,997 refunds in the state', await benchStreamLoad(store, 'refunds', analyze)]);
    return await benchStore('PostgreSQL', store);
  } finally {
    await store.close();
    await db.drop();
  }
}

console.log(
  `bench:commands — concurrency ${load.concurrency}, ${load.runs} runs of ${load.durationMs} ms per line; medians; ratio = command path / store-only append of the same run`,
);
const loads: [string, { snapshotMs: number; fullMs: number }][] = [];
const rows: Row[] = [];
if (values.only !== 'postgres') rows.push(...(await sqlite()));
if (values.only !== 'sqlite') rows.push(...(await postgres()));
printTable('Command path vs store-only append', rows);
for (const r of rows.filter((x) => x.baseline)) {
  const ratio = r.opsPerSec / r.baseline!.opsPerSec;
  console.log(`${r.name}: ${(ratio * 100).toFixed(0)}% of the store-only rate (target >= 60%)`);
}
for (const [name, l] of loads) {
  console.log(
    `${name}: 10,000-event stream loads in ${l.snapshotMs.toFixed(2)} ms with a snapshot (50-event tail), ${l.fullMs.toFixed(1)} ms folded from the start (target < 5 ms)`,
  );
}
