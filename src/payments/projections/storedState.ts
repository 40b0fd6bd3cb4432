/**
 * The `state` column of payment_details holds only what the view does not already say.
 *
 * Most of PaymentState is copied verbatim into the view by toPaymentView; serialising (and, on
 * SQLite, writing) it twice was about half of a rebuild's JSON work and bytes. So the projection
 * stores the view in full and, next to it, the "rest" of the state: every state field NOT listed
 * in FROM_VIEW below (amountAuthorized, refunds, the pending requests, and any field added to
 * PaymentState later, which lands here by default, so a new field cannot be silently dropped).
 * stateFromStored() puts the two back together when a later batch touches the payment.
 *
 * Rows written before this change hold the full state: they are recognised (they have
 * `paymentId`) and used as they are, so no migration or rebuild is needed.
 */
import type { PaymentState } from '../domain/payment.js';
import type { PaymentView } from '../views.js';

/** State fields toPaymentView copies unchanged (renamed at most) into the view. */
const FROM_VIEW = new Set<string>([
  'paymentId',
  'status',
  'amount',
  'amountCapturable',
  'amountCaptured',
  'amountRefunded',
  'currency',
  'captureMethod',
  'paymentMethod',
  'customer',
  'description',
  'metadata',
  'providerPaymentId',
  'failure',
  'cancellationReason',
  'createdAt',
  'updatedAt',
]);

/** The part of `state` to store next to its view (see the module comment). */
export function storedRest(state: PaymentState): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  const s = state as unknown as Record<string, unknown>;
  for (const k in s) if (!FROM_VIEW.has(k)) rest[k] = s[k];
  // The view flattens failure into three nullable fields: only a failure with a code (the only
  // kind evolve builds) comes back from them; keep any other shape verbatim.
  const f = state.failure;
  const usual =
    f === null ||
    (typeof f.code === 'string' &&
      typeof f.message === 'string' &&
      (typeof f.declineCode === 'string' || f.declineCode === null) &&
      Object.keys(f).length === 3);
  if (!usual) rest.failure = f;
  return rest;
}

/** The full state from a row's view and stored `state` (the rest, or a full state of old rows). */
export function stateFromStored(view: PaymentView, stored: Record<string, unknown>): PaymentState {
  if (typeof stored.paymentId === 'string') return stored as unknown as PaymentState;
  // Same key order as evolve builds, so a reloaded state serialises like a freshly folded one.
  const state: PaymentState = {
    paymentId: view.id,
    status: view.status,
    amount: view.amount,
    amountAuthorized: stored.amountAuthorized as number,
    amountCapturable: view.amount_capturable,
    amountCaptured: view.amount_captured,
    amountRefunded: view.amount_refunded,
    currency: view.currency,
    captureMethod: view.capture_method,
    paymentMethod: view.payment_method,
    customer: view.customer,
    description: view.description,
    metadata: { ...view.metadata },
    providerPaymentId: view.provider_payment_id,
    failure:
      view.failure_code === null
        ? null
        : { code: view.failure_code, declineCode: view.decline_code, message: view.failure_message ?? '' },
    cancellationReason: view.cancellation_reason,
    refunds: stored.refunds as PaymentState['refunds'],
    pendingCapture: stored.pendingCapture as PaymentState['pendingCapture'],
    pendingCancel: stored.pendingCancel as PaymentState['pendingCancel'],
    createdAt: view.created,
    updatedAt: view.updated,
  };
  return Object.assign(state, stored);
}
