/** The payment decider: initialState, evolve, decide (pure; see state.ts and decide.ts). */
import type { PaymentCommand } from './commands.js';
import { decide } from './decide.js';
import type { PaymentEvent } from './events.js';
import { evolve, initialState, type PaymentState } from './state.js';

export { decide } from './decide.js';
export { outboxFor } from './outbox.js';
export { evolve, initialState, type PaymentState, type RefundState } from './state.js';
export { toPaymentView } from './view.js';

/** Version of the PaymentState shape: a snapshot of another version is ignored. */
export const PAYMENT_STATE_SCHEMA_VERSION = 1;

export const paymentDecider = {
  initialState,
  evolve,
  decide,
} satisfies {
  initialState: () => PaymentState | null;
  evolve: (s: PaymentState | null, e: PaymentEvent) => PaymentState | null;
  decide: (c: PaymentCommand, s: PaymentState | null) => PaymentEvent[];
};

/** Folds events from the start (or from a given state). */
export function foldPayment(
  events: Iterable<PaymentEvent>,
  from: PaymentState | null = null,
): PaymentState | null {
  let state = from;
  for (const e of events) state = evolve(state, e);
  return state;
}
