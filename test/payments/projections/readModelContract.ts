/**
 * The payment read models and query service, run against each database: the figures are checked
 * against views folded straight from the events (helper-3's evolve + toPaymentView).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { EventStore } from '../../../src/eventsourcing/eventStore.js';
import type { ProjectionRuntime } from '../../../src/eventsourcing/projections/runtime.js';
import { type PaymentEvent, paymentStreamId } from '../../../src/payments/domain/events.js';
import { evolve, type PaymentState, toPaymentView } from '../../../src/payments/domain/payment.js';
import { bucketStart } from '../../../src/payments/projections/paymentFold.js';
import type { PaymentQueryService } from '../../../src/payments/services.js';
import type { PaymentListFilter, PaymentView, TimeBucket } from '../../../src/payments/views.js';
import { appendScripts, BASE_TIME, type PaymentScript, scriptArb, scriptsArb } from '../support/histories.js';

export interface ReadSide {
  store: EventStore;
  // biome-ignore lint/suspicious/noExplicitAny: the contract is the same for every transaction type
  runtime: ProjectionRuntime<any>;
  queries: PaymentQueryService;
}

export interface ReadSideHarness {
  /** An empty store and empty read models. */
  fresh(batchSize?: number): Promise<ReadSide>;
  cleanup(): Promise<void>;
  propertyRuns: number;
}

/** The views the read model must hold: each payment's events folded from scratch. */
async function foldedViews(store: EventStore, ids: string[]): Promise<PaymentView[]> {
  const out: PaymentView[] = [];
  for (const id of ids) {
    const events = await store.readStream(paymentStreamId(id));
    const state = events.reduce<PaymentState | null>(
      (s, e) => evolve(s, { type: e.type, data: e.data } as PaymentEvent),
      null,
    );
    out.push(toPaymentView(state!, events.length));
  }
  return out;
}

async function listAll(q: PaymentQueryService, filter: PaymentListFilter = {}): Promise<PaymentView[]> {
  const out: PaymentView[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await q.listPayments({ ...filter, limit: filter.limit ?? 7, startingAfter });
    out.push(...page.data);
    if (!page.has_more) return out;
    startingAfter = page.data[page.data.length - 1]!.id;
  }
}

/** Everything the read side serves, for comparing two builds. */
async function snapshot(q: PaymentQueryService) {
  const series: Record<string, unknown> = {};
  for (const b of ['minute', 'hour', 'day'] as TimeBucket[]) series[b] = await q.timeseries(b);
  return { list: await listAll(q), dashboard: await q.dashboard(), series };
}

const newestFirst = (a: PaymentView, b: PaymentView) =>
  a.created === b.created ? (a.id < b.id ? 1 : -1) : a.created < b.created ? 1 : -1;

function expectedDashboard(views: PaymentView[]) {
  const by = new Map<string, PaymentView[]>();
  for (const v of views) by.set(v.currency, [...(by.get(v.currency) ?? []), v]);
  return [...by.keys()].sort().map((currency) => {
    const vs = by.get(currency)!;
    const succeeded = vs.filter((v) => v.status === 'succeeded').length;
    const failed = vs.filter((v) => v.status === 'failed').length;
    return {
      currency,
      count: vs.length,
      succeeded,
      failed,
      amount_captured: vs.reduce((s, v) => s + v.amount_captured, 0),
      amount_refunded: vs.reduce((s, v) => s + v.amount_refunded, 0),
      success_rate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
      last_payment_at:
        vs
          .map((v) => v.created)
          .sort()
          .at(-1) ?? null,
      last_failure_at:
        failed > 0
          ? vs
              .filter((v) => v.status === 'failed')
              .map((v) => v.updated)
              .sort()
              .at(-1)!
          : null,
    };
  });
}

function expectedSeries(views: PaymentView[], bucket: TimeBucket) {
  const by = new Map<string, PaymentView[]>();
  for (const v of views) {
    const key = `${bucketStart(v.created, bucket)}|${v.currency}`;
    by.set(key, [...(by.get(key) ?? []), v]);
  }
  return [...by.keys()].sort().map((key) => {
    const vs = by.get(key)!;
    const [start, currency] = key.split('|');
    return {
      bucket_start: start!,
      currency: currency!,
      count: vs.length,
      succeeded: vs.filter((v) => v.status === 'succeeded').length,
      failed: vs.filter((v) => v.status === 'failed').length,
      amount_captured: vs.reduce((s, v) => s + v.amount_captured, 0),
      amount_refunded: vs.reduce((s, v) => s + v.amount_refunded, 0),
    };
  });
}

export function readModelContract(label: string, make: () => Promise<ReadSideHarness>): void {
  describe(`payment read models (${label})`, () => {
    let h: ReadSideHarness;
    before(async () => {
      h = await make();
    });
    after(() => h.cleanup());

    test('property: the incremental build matches views folded from the events, and a rebuild matches it', async () => {
      await fc.assert(
        fc.asyncProperty(scriptsArb(12), fc.integer({ min: 1, max: 9 }), async (scripts, batchSize) => {
          const rs = await h.fresh(batchSize);
          const last = await appendScripts(rs.store, scripts);
          await rs.runtime.start();
          assert.equal(await rs.runtime.waitForCheckpoint('payments', last, 5000), true);
          const incremental = await snapshot(rs.queries);
          const views = await foldedViews(
            rs.store,
            scripts.map((s) => s.paymentId),
          );
          assert.deepEqual(incremental.list, [...views].sort(newestFirst));
          assert.deepEqual(incremental.dashboard.currencies, expectedDashboard(views));
          assert.deepEqual(incremental.series.hour, expectedSeries(views, 'hour'));
          await rs.runtime.rebuild('payments', { batchSize: batchSize * 3 });
          assert.deepEqual(await snapshot(rs.queries), incremental);
          await rs.runtime.stop();
        }),
        { numRuns: h.propertyRuns },
      );
    });

    test('list filters and cursor pagination (newest first) match filtering the folded views', async () => {
      const rs = await h.fresh(50);
      const scripts = fc.sample(fc.tuple(...Array.from({ length: 60 }, (_, i) => scriptArb(i))), {
        numRuns: 1,
        seed: 42,
      })[0]!;
      await appendScripts(rs.store, scripts as PaymentScript[]);
      await rs.runtime.start();
      const views = (
        await foldedViews(
          rs.store,
          scripts.map((s) => s.paymentId),
        )
      ).sort(newestFirst);
      const mid = views[Math.floor(views.length / 2)]!.created;
      const filters: Array<[PaymentListFilter, (v: PaymentView) => boolean]> = [
        [{}, () => true],
        [{ status: 'succeeded' }, (v) => v.status === 'succeeded'],
        [{ currency: 'EUR' }, (v) => v.currency === 'eur'],
        [{ customer: 'cus_a' }, (v) => v.customer === 'cus_a'],
        [{ createdGte: mid }, (v) => v.created >= mid],
        [{ createdLte: mid, currency: 'usd' }, (v) => v.created <= mid && v.currency === 'usd'],
        [{ amountGte: 20_000, amountLte: 70_000 }, (v) => v.amount >= 20_000 && v.amount <= 70_000],
      ];
      for (const [filter, keep] of filters) {
        assert.deepEqual(await listAll(rs.queries, filter), views.filter(keep), JSON.stringify(filter));
      }
      const first = await rs.queries.listPayments({ limit: 5 });
      assert.equal(first.data.length, 5);
      assert.equal(first.has_more, true);
      await assert.rejects(rs.queries.listPayments({ startingAfter: 'pay_missing' }), {
        code: 'PAY_VALIDATION',
      });
      await assert.rejects(rs.queries.listPayments({ limit: 101 }), { code: 'PAY_VALIDATION' });
      await rs.runtime.stop();
    });

    test('timeseries by minute and day, with a range and a currency', async () => {
      const rs = await h.fresh(20);
      const scripts = fc.sample(fc.tuple(...Array.from({ length: 40 }, (_, i) => scriptArb(i))), {
        numRuns: 1,
        seed: 7,
      })[0]!;
      await appendScripts(rs.store, scripts as PaymentScript[]);
      await rs.runtime.start();
      const views = await foldedViews(
        rs.store,
        scripts.map((s) => s.paymentId),
      );
      assert.deepEqual(await rs.queries.timeseries('minute'), expectedSeries(views, 'minute'));
      const from = new Date(BASE_TIME + 24 * 3600_000 + 5_000);
      const to = new Date(BASE_TIME + 2 * 24 * 3600_000);
      const day = expectedSeries(views, 'day').filter(
        (p) =>
          p.currency === 'gbp' &&
          p.bucket_start >= bucketStart(from.toISOString(), 'day') &&
          p.bucket_start <= to.toISOString(),
      );
      assert.deepEqual(await rs.queries.timeseries('day', { from, to, currency: 'gbp' }), day);
      await rs.runtime.stop();
    });

    test('history is the stream with metadata; time travel folds up to a version or a time', async () => {
      const rs = await h.fresh();
      const script: PaymentScript = {
        paymentId: 'pay_tt',
        amount: 5000,
        currency: 'usd',
        customer: 'cus_a',
        captureMethod: 'automatic',
        createdMinute: 0,
        steps: [
          { k: 'submit' },
          { k: 'capture', frac: 1 },
          { k: 'refund', frac: 0.5 },
          { k: 'refundOk', idx: 0 },
        ],
      };
      await appendScripts(rs.store, [script]);
      const history = (await rs.queries.getHistory('pay_tt'))!;
      assert.deepEqual(
        history.map((e) => e.type),
        ['PaymentRequested', 'PaymentSubmitted', 'PaymentCaptured', 'RefundRequested', 'RefundSucceeded'],
      );
      assert.deepEqual(
        history.map((e) => e.stream_version),
        [1, 2, 3, 4, 5],
      );
      assert.equal(await rs.queries.getHistory('pay_none'), undefined);
      const v2 = (await rs.queries.getPaymentAsOf('pay_tt', { version: 2 }))!;
      assert.equal(v2.status, 'processing');
      assert.equal(v2.version, 2);
      const v3 = (await rs.queries.getPaymentAsOf('pay_tt', { version: 3 }))!;
      assert.equal(v3.amount_captured, 5000);
      assert.equal(v3.amount_refunded, 0);
      const now = (await rs.queries.getPaymentAsOf('pay_tt', { time: new Date(Date.now() + 60_000) }))!;
      assert.equal(now.amount_refunded, 2500);
      assert.equal(now.version, 5);
      assert.equal(await rs.queries.getPaymentAsOf('pay_tt', { time: new Date(0) }), undefined);
      assert.equal(await rs.queries.getPaymentAsOf('pay_tt', { version: 0 }), undefined);
    });

    test('old event shapes are upcast in the history, time travel and the read model', async () => {
      const rs = await h.fresh();
      await rs.runtime.start();
      // PaymentRequested v1: before manual capture and metadata existed.
      const { checkpoint } = await rs.store.append(paymentStreamId('pay_v1'), [
        {
          type: 'PaymentRequested',
          schemaVersion: 1,
          data: {
            paymentId: 'pay_v1',
            amount: 700,
            currency: 'usd',
            paymentMethod: 'pm_card_visa',
            requestedAt: '2026-03-01T10:00:00.000Z',
          },
          metadata: { actor: 'key_1', correlationId: 'corr_1' },
        },
      ]);
      const [entry] = (await rs.queries.getHistory('pay_v1'))!;
      assert.equal(entry!.schema_version, 2);
      assert.deepEqual(entry!.metadata, { actor: 'key_1', correlationId: 'corr_1' });
      assert.equal((entry!.data as { captureMethod: string }).captureMethod, 'automatic');
      const asOf = await rs.queries.getPaymentAsOf('pay_v1', { version: 1 });
      assert.deepEqual(asOf?.metadata, {});
      const view = await rs.queries.getPayment('pay_v1', { minCheckpoint: checkpoint, timeoutMs: 5000 });
      assert.deepEqual(view, asOf);
      await rs.runtime.stop();
    });

    test('read-your-writes: a read with minCheckpoint sees the write; a stopped projection times out boundedly', async () => {
      const rs = await h.fresh();
      await rs.runtime.start();
      const script: PaymentScript = { ...baseScript, paymentId: 'pay_ryw' };
      const cp = await appendScripts(rs.store, [script]);
      const seen = await rs.queries.getPayment('pay_ryw', { minCheckpoint: cp, timeoutMs: 5000 });
      assert.equal(seen?.id, 'pay_ryw');
      await rs.runtime.stop();
      const cp2 = await appendScripts(rs.store, [{ ...baseScript, paymentId: 'pay_late' }]);
      const t0 = performance.now();
      const stale = await rs.queries.getPayment('pay_late', { minCheckpoint: cp2, timeoutMs: 100 });
      const waited = performance.now() - t0;
      assert.equal(stale, undefined);
      assert.ok(waited >= 90 && waited < 1500, `waited ${waited} ms`);
      await assert.rejects(
        rs.queries.getPayment('pay_late', { minCheckpoint: cp2, timeoutMs: 50, onTimeout: 'reject' }),
        { code: 'PAY_TIMEOUT' },
      );
    });
  });
}

const baseScript: PaymentScript = {
  paymentId: 'pay_x',
  amount: 1000,
  currency: 'usd',
  customer: null,
  captureMethod: 'automatic',
  createdMinute: 1,
  steps: [{ k: 'submit' }, { k: 'capture', frac: 1 }],
};
