/**
 * The `state` column keeps only what the view lacks (storedState.ts): every intermediate state of
 * any payment history must come back exactly from its view and the stored rest, including through
 * a JSON round trip (what the row holds).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { evolve, type PaymentState, toPaymentView } from '../../../src/payments/domain/payment.js';
import { stateFromStored, storedRest } from '../../../src/payments/projections/storedState.js';
import { eventsOf, scriptArb } from '../support/histories.js';

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x));

test('stateFromStored(view, storedRest(state)) gives back every folded state', () => {
  fc.assert(
    fc.property(scriptArb(1), (script) => {
      let state: PaymentState | null = null;
      let version = 0;
      for (const event of eventsOf(script).flat()) {
        state = evolve(state, event);
        version++;
        if (!state) continue;
        const view = viaJson(toPaymentView(state, version));
        assert.deepStrictEqual(stateFromStored(view, viaJson(storedRest(state))), viaJson(state));
      }
    }),
    { numRuns: 300 },
  );
});

test('a row written before the change (full state in the column) loads as it is', () => {
  const state = evolve(null, {
    type: 'PaymentRequested',
    data: {
      paymentId: 'pay_old',
      amount: 500,
      currency: 'eur',
      captureMethod: 'automatic',
      paymentMethod: 'pm_card_visa',
      customer: null,
      description: null,
      metadata: {},
      requestedAt: '2026-03-01T00:00:00.000Z',
    },
  })!;
  const loaded = stateFromStored(
    toPaymentView(state, 1),
    viaJson(state) as unknown as Record<string, unknown>,
  );
  assert.deepStrictEqual(loaded, state);
});

test('an unusual failure shape is stored verbatim rather than rebuilt from the view', () => {
  const base = evolve(null, {
    type: 'PaymentRequested',
    data: {
      paymentId: 'pay_f',
      amount: 500,
      currency: 'eur',
      captureMethod: 'automatic',
      paymentMethod: 'pm_card_visa',
      customer: null,
      description: null,
      metadata: {},
      requestedAt: '2026-03-01T00:00:00.000Z',
    },
  })!;
  const state = {
    ...base,
    failure: { code: 'x', declineCode: null, message: 'm', extra: 1 },
  } as PaymentState;
  const rest = viaJson(storedRest(state));
  assert.deepStrictEqual(stateFromStored(viaJson(toPaymentView(state, 2)), rest), viaJson(state));
});
