/**
 * Seeding for bench/queries.ts: synthetic but valid payment histories appended through the event
 * store, and (for the 1M case) read-model rows inserted straight into payment_details with SQL.
 */
import type Database from 'better-sqlite3';
import type { EventStore, NewEvent } from '../src/eventsourcing/eventStore.js';
import { type PaymentEvent, paymentStreamId } from '../src/payments/domain/events.js';
import { evolve, type PaymentState, toPaymentView } from '../src/payments/domain/payment.js';
import { paymentUpcasters } from '../src/payments/domain/upcasters.js';

export const BENCH_BASE = Date.parse('2026-01-01T00:00:00.000Z');
const CURRENCIES = ['usd', 'eur', 'gbp', 'jpy'];
const SPAN_MS = 30 * 24 * 3600_000;

export function benchPaymentId(i: number): string {
  return `pay_${i.toString(16).padStart(32, '0')}`;
}

/** Requested, submitted, then captured (9 in 10) or failed: three events per payment. */
export function benchEvents(i: number, total: number): PaymentEvent[] {
  const paymentId = benchPaymentId(i);
  const t = BENCH_BASE + Math.floor((i * SPAN_MS) / total);
  const at = (s: number) => new Date(t + s * 1000).toISOString();
  const amount = 100 + ((i * 7919) % 100_000);
  const pi = `pi_${i}`;
  const outcome: PaymentEvent =
    i % 10 === 0
      ? {
          type: 'PaymentFailed',
          data: {
            paymentId,
            providerPaymentId: pi,
            code: 'card_declined',
            declineCode: 'generic_decline',
            message: 'declined',
            failedAt: at(2),
          },
        }
      : { type: 'PaymentCaptured', data: { paymentId, providerPaymentId: pi, amount, capturedAt: at(2) } };
  return [
    {
      type: 'PaymentRequested',
      data: {
        paymentId,
        amount,
        currency: CURRENCIES[i % CURRENCIES.length]!,
        captureMethod: 'automatic',
        paymentMethod: 'pm_card_visa',
        customer: `cus_${i % 5000}`,
        description: 'bench payment',
        metadata: { order: `ord_${i}` },
        requestedAt: at(0),
      },
    },
    { type: 'PaymentSubmitted', data: { paymentId, providerPaymentId: pi, submittedAt: at(1) } },
    outcome,
  ];
}

function toNew(e: PaymentEvent): NewEvent {
  return { type: e.type, schemaVersion: paymentUpcasters.currentVersion(e.type), data: e.data };
}

/** Appends payments [from, to) in waves of `concurrency` concurrent appends (group commit). */
export async function appendBenchPayments(
  store: EventStore,
  from: number,
  to: number,
  total: number,
  concurrency = 1000,
): Promise<void> {
  for (let start = from; start < to; start += concurrency) {
    const wave: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(to, start + concurrency); i++) {
      wave.push(store.append(paymentStreamId(benchPaymentId(i)), benchEvents(i, total).map(toNew)));
    }
    await Promise.all(wave);
  }
}

/**
 * Inserts read-model rows for payments [from, to) directly, in one SQL statement (a recursive CTE
 * patching a folded template with json_set): the same rows the projection would write for
 * benchEvents(i), without events behind them, in seconds rather than minutes.
 */
export function insertDetailRows(db: Database.Database, from: number, to: number, total: number): void {
  const templates = [0, 1].map((i) => {
    const state = benchEvents(i, total).reduce<PaymentState | null>(evolve, null)!;
    return { state: JSON.stringify(state), view: JSON.stringify(toPaymentView(state, 3)) };
  });
  db.prepare(INSERT_DETAIL_ROWS).run({
    from,
    to,
    total,
    base: BENCH_BASE,
    span: SPAN_MS,
    failedView: templates[0]!.view,
    okView: templates[1]!.view,
    failedState: templates[0]!.state,
    okState: templates[1]!.state,
  });
}

// Mirrors benchEvents (numbers are bound as REAL: cast them, or ids print as '0.0'): payment i fails when i % 10 = 0, currency by i % 4, customer by i % 5000.
const INSERT_DETAIL_ROWS = `
WITH RECURSIVE seq(i) AS (SELECT CAST(@from AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < @to),
r AS (
  SELECT i, printf('pay_%032x', i) AS id, i % 10 = 0 AS failed,
    CASE i % 4 WHEN 0 THEN 'usd' WHEN 1 THEN 'eur' WHEN 2 THEN 'gbp' ELSE 'jpy' END AS currency,
    'cus_' || (i % 5000) AS customer, 100 + (i * 7919) % 100000 AS amount, CAST(@base AS INTEGER) + (i * CAST(@span AS INTEGER)) / CAST(@total AS INTEGER) AS t
  FROM seq),
p AS (
  SELECT *, CASE WHEN failed THEN 0 ELSE amount END AS captured,
    strftime('%Y-%m-%dT%H:%M:%fZ', t / 1000.0, 'unixepoch') AS created,
    strftime('%Y-%m-%dT%H:%M:%fZ', (t + 2000) / 1000.0, 'unixepoch') AS updated
  FROM r)
INSERT INTO payment_details (id, status, currency, customer, amount, created, updated, version, view, state)
SELECT id, CASE WHEN failed THEN 'failed' ELSE 'succeeded' END, currency, customer, amount, created, updated, 3,
  json_set(CASE WHEN failed THEN @failedView ELSE @okView END, '$.id', id, '$.amount', amount,
    '$.amount_captured', captured, '$.amount_net', captured, '$.currency', currency, '$.customer', customer,
    '$.metadata.order', 'ord_' || i, '$.provider_payment_id', 'pi_' || i, '$.created', created, '$.updated', updated),
  json_set(CASE WHEN failed THEN @failedState ELSE @okState END, '$.paymentId', id, '$.amount', amount,
    '$.amountAuthorized', captured, '$.amountCaptured', captured, '$.currency', currency, '$.customer', customer,
    '$.metadata.order', 'ord_' || i, '$.providerPaymentId', 'pi_' || i, '$.createdAt', created, '$.updatedAt', updated)
FROM p`;

/** A payment row as the projection writes it (view and state JSON), for the raw ceilings. */
export function sampleRow(i: number): { id: string; view: unknown; state: unknown } {
  const state = benchEvents(i, 1).reduce<PaymentState | null>(evolve, null)!;
  return { id: `raw_${i}`, view: toPaymentView(state, 3), state };
}

/**
 * The raw ceiling on SQLite: plain INSERTs of rows shaped like payment_details (same JSON sizes),
 * in transactions of `batch` rows. Returns rows per second.
 */
export function rawInsertCeilingSqlite(db: Database.Database, rows: number, batch = 1667): number {
  db.exec('CREATE TEMP TABLE raw_ceiling (id TEXT PRIMARY KEY, status TEXT, view TEXT, state TEXT)');
  const insert = db.prepare('INSERT INTO raw_ceiling VALUES (?, ?, ?, ?)');
  const t0 = performance.now();
  for (let b = 0; b < rows; b += batch) {
    db.transaction(() => {
      for (let i = b; i < Math.min(rows, b + batch); i++) {
        const r = sampleRow(i);
        insert.run(r.id, 'succeeded', JSON.stringify(r.view), JSON.stringify(r.state));
      }
    })();
  }
  const seconds = (performance.now() - t0) / 1000;
  db.exec('DROP TABLE raw_ceiling');
  return rows / seconds;
}
