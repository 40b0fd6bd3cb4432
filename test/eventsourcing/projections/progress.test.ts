import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { rebuildProgressBar } from '../../../src/eventsourcing/projections/progress.js';

test('the rebuild progress bar shows done/total events, a rate and an ETA', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => {
    text += c.toString();
  });
  const bar = rebuildProgressBar('payments', out);
  bar.update(0, 1000);
  bar.update(500, 1000);
  bar.update(1000, 1200);
  bar.stop();
  assert.match(text, /payments/);
  assert.match(text, /1000\/1200 events/);
  assert.match(text, /\d+ events\/s/);
  assert.match(text, /ETA/);
});
