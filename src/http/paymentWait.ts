/**
 * Reading a payment right after a command: read-your-writes through the checkpoint, and for a
 * new payment a short wait for its outcome (201 when known, else 202).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandResult, PaymentQueryService } from '../payments/services.js';
import type { PaymentView } from '../payments/views.js';
import { isPaystreamError, NotFoundError } from '../shared/errors.js';

const IN_FLIGHT = new Set<PaymentView['status']>(['pending', 'processing']);

export function hasOutcome(view: PaymentView): boolean {
  return !IN_FLIGHT.has(view.status);
}

/**
 * The payment including the command's write. If the read model cannot show it within
 * `timeoutMs`, the view is folded from the events (the source of truth) instead.
 */
export async function readAfterWrite(
  queries: PaymentQueryService,
  result: Pick<CommandResult, 'paymentId' | 'checkpoint' | 'version'>,
  timeoutMs: number,
): Promise<PaymentView> {
  let view: PaymentView | undefined;
  try {
    view = await queries.getPayment(result.paymentId, { minCheckpoint: result.checkpoint, timeoutMs });
  } catch (e) {
    if (!isPaystreamError(e) || e.code !== 'PAY_TIMEOUT') throw e;
  }
  if (view && view.version >= result.version) return view;
  const fromEvents = await queries.getPaymentAsOf(result.paymentId, {});
  if (!fromEvents) throw new NotFoundError('payment', result.paymentId);
  return fromEvents;
}

/**
 * After a create: polls (10 ms, doubling to 100 ms) until the payment has an outcome or `waitMs`
 * has passed, then answers what it has. Polling keeps this independent of how the outcome
 * arrives (dispatcher in this process, another worker, a webhook).
 */
export async function waitForOutcome(
  queries: PaymentQueryService,
  first: PaymentView,
  waitMs: number,
  signal?: AbortSignal,
): Promise<PaymentView> {
  let view = first;
  const deadline = Date.now() + waitMs;
  let delay = 10;
  while (!hasOutcome(view) && !signal?.aborted) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 100);
    view = (await queries.getPayment(view.id)) ?? view;
  }
  return view;
}
