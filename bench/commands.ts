/**
 * `npm run bench:commands [-- --runs 3 --duration 2000 --concurrency 64 --only sqlite|postgres]`
 * The full command path — load (snapshot + tail), decide, one append carrying the events, the
 * idempotency record and the outbox rows — through PaymentCommandService, next to the store-only
 * append rate (one event to a new stream) measured in the same run on the same kind of store.
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
import { type LoadOptions, measure, printTable, type Row, toRow } from './lib/harness.js';

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

async function benchStore(name: string, store: Store): Promise<Row[]> {
  const service = new EventSourcedPaymentCommandService({ store, snapshots: store });
  // i restarts with each measured scenario: the scenario goes into the key.
  const ctx = (scenario: string, i: number) => ({
    actor: 'key_bench',
    correlationId: `req-${i}`,
    idempotencyKey: `${scenario}-${i}`,
  });
  const storeOnly = await measure(
    (i) =>
      store.append(`bench-${i}`, [requested(`pay_${i}`, 12_500, 'automatic')], {
        expectedVersion: 'no_stream',
      }),
    load,
  );
  const baseline = { name: 'store append', opsPerSec: storeOnly.opsPerSec };
  // The same append a create makes (given id, idempotency record, outbox row) without load and
  // decide: separates the store's cost of the side rows from the command path's own overhead.
  const withSideRows = await measure((i) => {
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
  }, load);
  const create = await measure((i) => service.createPayment(input, ctx('create', i)), load);
  // Capture/refund mix: each capture takes a fresh authorized payment (when the pool runs dry
  // the op refunds instead); refunds of 1.00 spread over 1,000 captured payments.
  const toCapture = await seed(
    store,
    Math.ceil((storeOnly.opsPerSec * (load.durationMs! / 1000) * load.runs!) / 2) + 1000,
    'authorized',
  );
  const toRefund = await seed(store, 1000, 'captured');
  let captures = 0;
  let refunds = 0;
  const mix = await measure(async (i) => {
    const paymentId = i % 2 === 0 ? toCapture.pop() : undefined;
    if (paymentId) {
      captures++;
      return service.capturePayment(paymentId, {}, ctx('mix', i));
    }
    refunds++;
    return service.refundPayment(toRefund[i % toRefund.length]!, { amount: 100 }, ctx('mix', i));
  }, load);
  console.log(`${name}: capture/refund mix ran ${captures} captures and ${refunds} refunds`);
  return [
    toRow(`${name} store-only append`, load.concurrency, storeOnly),
    toRow(`${name} append + idempotency + outbox`, load.concurrency, withSideRows, baseline),
    toRow(`${name} createPayment`, load.concurrency, create, baseline),
    toRow(`${name} capture/refund mix`, load.concurrency, mix, baseline),
  ];
}

async function sqlite(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-bench-cmd-'));
  const store = new SqliteEventStore({ path: join(dir, 'bench.db'), synchronous: 'full' });
  try {
    return await benchStore('SQLite (sync FULL)', store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<Row[]> {
  const db = await createTestDatabase('benchcmd');
  const store = await PostgresEventStore.create({ pool: db.pool });
  try {
    return await benchStore('PostgreSQL', store);
  } finally {
    await store.close();
    await db.drop();
  }
}

console.log(
  `bench:commands — concurrency ${load.concurrency}, ${load.runs} runs of ${load.durationMs} ms per line; medians; ratio = command path / store-only append of the same run`,
);
const rows: Row[] = [];
if (values.only !== 'postgres') rows.push(...(await sqlite()));
if (values.only !== 'sqlite') rows.push(...(await postgres()));
printTable('Command path vs store-only append', rows);
for (const r of rows.filter((x) => x.baseline)) {
  const ratio = r.opsPerSec / r.baseline!.opsPerSec;
  console.log(`${r.name}: ${(ratio * 100).toFixed(0)}% of the store-only rate (target >= 60%)`);
}
