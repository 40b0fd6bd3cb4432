import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectionsStatus, rebuildProjection } from '../../../src/eventsourcing/projections/runtime.js';
import { sqlitePaymentReadSide } from '../../../src/payments/projections/readSide.js';
import { openTempStore } from '../../eventsourcing/sqliteTemp.js';
import { appendScripts, type PaymentScript } from '../support/histories.js';

const script = (paymentId: string): PaymentScript => ({
  paymentId,
  amount: 4200,
  currency: 'eur',
  customer: 'cus_a',
  captureMethod: 'automatic',
  createdMinute: 3,
  steps: [{ k: 'submit' }, { k: 'capture', frac: 1 }],
});

for (const inline of [false, true]) {
  test(`sqlitePaymentReadSide (${inline ? 'inline' : 'async'}): status and rebuild for the CLI`, async (t) => {
    const { store, cleanup } = openTempStore();
    const rs = sqlitePaymentReadSide(store, { inline });
    t.after(async () => {
      await rs.runtime.stop();
      await cleanup();
    });
    await rs.runtime.start();
    const cp = await appendScripts(store, [script('pay_rs1'), script('pay_rs2')]);
    const view = await rs.queries.getPayment('pay_rs2', {
      minCheckpoint: cp,
      timeoutMs: 5000,
      onTimeout: 'reject',
    });
    assert.equal(view?.amount_captured, 4200);
    const progress: Array<[number, number]> = [];
    const [result] = await rebuildProjection(rs.runtime, 'all', {
      onProgress: (d, n) => progress.push([d, n]),
    });
    assert.equal(result!.projection, 'payments');
    assert.equal(result!.events, 6);
    assert.deepEqual(progress.at(-1), [6, 6]);
    const [status] = await projectionsStatus(rs.runtime);
    assert.equal(status!.name, 'payments');
    assert.equal(status!.status, 'running');
    assert.equal(status!.checkpoint, cp);
    assert.equal(status!.lagEvents, 0);
    assert.equal(status!.rebuildDue, false);
    assert.equal((await rs.queries.dashboard()).currencies[0]!.count, 2);
    await assert.rejects(rebuildProjection(rs.runtime, 'nope'), { code: 'PAY_NOT_FOUND' });
  });
}
