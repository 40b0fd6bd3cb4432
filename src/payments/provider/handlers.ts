/**
 * The payment context's outbox handlers: one per ProviderWorkKind. Each calls the provider through
 * the resilience policy with the message's idempotency key (the asking event's id, so a retry
 * never charges twice) and records the answer as commands through the PaymentRecorder.
 *
 * Verdicts:
 * - an answer (ok, declined, a business refusal) → recorded, done;
 * - still retryable after the policy's own retries → the create is recorded as submitted
 *   (status processing: the provider may or may not have it) and the message is retried later;
 * - a permanent error that is a bug or misconfiguration on our side (401/403: bad credentials,
 *   404: an object we think exists) → dead letter with the provider's message, for a person;
 *   other permanent errors on a create are the provider refusing the payment → PaymentFailed.
 */
import type { HandlerVerdict, OutboxHandler } from '../../eventsourcing/outbox/dispatcher.js';
import type { OutboxMessage } from '../../eventsourcing/outbox/outboxStore.js';
import type { Metrics } from '../../observability/metrics.js';
import { isPaystreamError } from '../../shared/errors.js';
import type { PaymentRecorder } from '../commands/paymentRecorder.js';
import type { PaymentCommand } from '../domain/commands.js';
import type { CaptureMethod, ProviderWorkKind } from '../domain/events.js';
import type { PaymentState } from '../domain/payment.js';
import type { CommandContext } from '../services.js';
import { findProviderPayment } from './intentLookup.js';
import type { ProviderPolicy } from './policy.js';
import type { PaymentProvider, ProviderPayment, ProviderResult } from './port.js';
import { type PaymentLoader, recordAll } from './recording.js';
import { outcomeSteps, PAYMENT_ID_KEY, REFUND_ID_KEY, settle, truthOf } from './translator.js';

/** The payload outboxFor writes. */
export interface ProviderWorkPayload {
  paymentId: string;
  providerPaymentId: string | null;
  currency: string;
  paymentMethod: string;
  captureMethod: CaptureMethod;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  amount: number;
  idempotencyKey: string;
  refundId?: string;
  reason?: string | null;
}

export interface ProviderFlowDeps {
  provider: PaymentProvider;
  policy: ProviderPolicy;
  recorder: PaymentRecorder;
  loadPayment: PaymentLoader;
  metrics?: Metrics;
  now?: () => Date;
}

type Failed = Exclude<ProviderResult<unknown>, { outcome: 'ok' }>;

const ACTIVE = new Set(['pending', 'processing', 'requires_capture']);

/** Our mistake or configuration, not the customer's: a person must look before any retry. */
function isOurBug(r: Failed): boolean {
  return r.outcome === 'permanent' && (r.status === 401 || r.status === 403 || r.status === 404);
}

function failureText(r: Failed): string {
  if (r.outcome === 'retryable')
    return `provider unavailable: ${r.reason}${r.status ? ` (${r.status})` : ''}`;
  if (r.outcome === 'permanent') return `provider refused (${r.status} ${r.code}): ${r.message}`;
  return `declined: ${r.failure.code}`;
}

/** Returned by a create attempt that must not go out (see createPayment). */
const STOPPED: ProviderResult<ProviderPayment> = {
  outcome: 'permanent',
  code: 'paystream_create_stopped',
  message: 'the payment is no longer to be created',
  status: 0,
};

const toCreate = (s: PaymentState): boolean =>
  (s.status === 'pending' || s.status === 'processing') && s.pendingCancel === null;

/** The command that clears a refused capture/cancel; decide ignores it when nothing is pending. */
function rejectionOf(kind: string, p: ProviderWorkPayload, r: Failed, at: string): PaymentCommand[] {
  const code = r.outcome === 'permanent' ? r.code : r.outcome === 'declined' ? r.failure.code : 'unavailable';
  const message = r.outcome === 'permanent' ? r.message : failureText(r);
  if (kind === 'provider.capture')
    return [{ type: 'RecordCaptureRejection', amount: p.amount, code, message, at }];
  if (kind === 'provider.cancel') return [{ type: 'RecordCancelRejection', code, message, at }];
  return [];
}

export function paymentHandlers(deps: ProviderFlowDeps): Record<ProviderWorkKind, OutboxHandler> {
  const at = () => (deps.now?.() ?? new Date()).toISOString();
  const observer = deps.metrics ? { metrics: deps.metrics, loadPayment: deps.loadPayment } : undefined;
  const ctxOf = (m: OutboxMessage): CommandContext => ({
    actor: 'system:dispatcher',
    correlationId: m.id,
    causationId: (m.payload as ProviderWorkPayload).idempotencyKey,
  });
  const record = async (p: ProviderWorkPayload, commands: PaymentCommand[], m: OutboxMessage) => {
    await recordAll(deps.recorder, p.paymentId, commands, ctxOf(m), observer);
  };
  /** Loads the payment; undefined means there is nothing (left) to do for this message. */
  const load = async (p: ProviderWorkPayload): Promise<PaymentState | undefined> =>
    (await deps.loadPayment(p.paymentId)) ?? undefined;

  /** Records an ok payment answer as its ordinary steps. */
  const recordPayment = async (m: OutboxMessage, p: ProviderWorkPayload, pay: ProviderPayment) => {
    const state = await load(p);
    if (state) await record(p, outcomeSteps(state, truthOf(pay, null), at()), m);
  };

  /**
   * The provider refused a capture/cancel: its current object says why; settle on it, then clear
   * the request if it is still pending (the provider did not do it after all), so the payment can
   * be captured or canceled again instead of refusing every later request.
   */
  const resettle = async (
    m: OutboxMessage,
    p: ProviderWorkPayload,
    providerPaymentId: string,
    refusal: Failed,
  ) => {
    const r = await deps.policy.execute(() => deps.provider.retrievePayment(providerPaymentId));
    if (r.outcome !== 'ok') return { status: 'retry', error: failureText(r) } as const;
    const state = await load(p);
    if (!state) return { status: 'done' } as const;
    const s = settle(state, truthOf(r.value, null), {
      source: 'reconciliation',
      at: at(),
      reason: `provider refused ${m.kind}; applied its current state`,
      forwardOnly: false,
    });
    if (s.conflicts.length > 0)
      return { status: 'dead', error: `conflict: ${s.conflicts.join('; ')}` } as const;
    await record(p, [...s.commands, ...rejectionOf(m.kind, p, refusal, at())], m);
    return { status: 'done' } as const;
  };

  /**
   * A cancel was asked while the create was unanswered: the create is never sent again. An earlier
   * attempt may still have reached the provider (only its answer was lost), so its object is looked
   * up: found, it is recorded (the cancel handler then cancels it, or the domain refunds a capture);
   * not found, nothing was created and nothing will be (this handler is the only one that creates),
   * so the payment is canceled here.
   */
  const createStopped = async (m: OutboxMessage, p: ProviderWorkPayload, state: PaymentState) => {
    if (state.status !== 'processing') return { status: 'done' } as const;
    const found = await findProviderPayment(deps.provider, deps.policy, state);
    if (found.outcome !== 'ok') return { status: 'retry', error: failureText(found) } as const;
    if (found.value) await recordPayment(m, p, found.value);
    else await record(p, [{ type: 'RecordCancellation', at: at() }], m);
    return { status: 'done' } as const;
  };

  const createPayment: OutboxHandler = async (m) => {
    const p = m.payload as ProviderWorkPayload;
    let state = await load(p);
    // Canceled before it was sent, or already settled by a webhook or reconciliation.
    if (!state || !toCreate(state))
      return state?.pendingCancel ? createStopped(m, p, state) : { status: 'done' };
    const r = await deps.policy.execute(async () => {
      // Re-read before every attempt (the policy retries): a cancel asked meanwhile stops the create.
      state = await load(p);
      if (!state || !toCreate(state)) return STOPPED;
      return deps.provider.createPayment({
        amount: p.amount,
        currency: p.currency,
        paymentMethod: p.paymentMethod,
        captureMethod: p.captureMethod,
        customer: p.customer,
        description: p.description,
        metadata: { ...p.metadata, [PAYMENT_ID_KEY]: p.paymentId },
        idempotencyKey: p.idempotencyKey,
      });
    });
    if (r === STOPPED) return state?.pendingCancel ? createStopped(m, p, state) : { status: 'done' };
    if (r.outcome === 'ok') {
      await recordPayment(m, p, r.value);
      return { status: 'done' };
    }
    if (r.outcome === 'declined') {
      const id = r.payment?.id ?? null;
      await record(p, [{ type: 'RecordFailure', providerPaymentId: id, ...r.failure, at: at() }], m);
      return { status: 'done' };
    }
    if (r.outcome === 'retryable' || isOurBug(r)) {
      await record(p, [{ type: 'RecordSubmission', providerPaymentId: null, at: at() }], m);
      return r.outcome === 'retryable'
        ? { status: 'retry', error: failureText(r) }
        : { status: 'dead', error: failureText(r) };
    }
    const failure = { code: r.code, declineCode: null, message: r.message };
    await record(p, [{ type: 'RecordFailure', providerPaymentId: null, ...failure, at: at() }], m);
    return { status: 'done' };
  };

  const paymentCall =
    (
      call: (ppid: string, p: ProviderWorkPayload) => Promise<ProviderResult<ProviderPayment>>,
    ): OutboxHandler =>
    async (m) => {
      const p = m.payload as ProviderWorkPayload;
      let state = await load(p);
      if (!state || !ACTIVE.has(state.status)) return { status: 'done' };
      let ppid = p.providerPaymentId ?? state.providerPaymentId;
      if (!ppid) {
        // The create is unanswered (a timeout may have hidden a success): look for its object.
        const found = await findProviderPayment(deps.provider, deps.policy, state);
        if (found.outcome !== 'ok') return { status: 'retry', error: failureText(found) };
        if (found.value) await recordPayment(m, p, found.value);
        state = await load(p);
        if (!state || !ACTIVE.has(state.status)) return { status: 'done' };
        ppid = state.providerPaymentId;
      }
      // Nothing at the provider yet: the create handler either records what it finds or cancels.
      if (!ppid) return { status: 'retry', error: `waiting for the provider payment id of ${p.paymentId}` };
      const id = ppid;
      const r = await deps.policy.execute(() => call(id, p));
      if (r.outcome === 'ok') {
        await recordPayment(m, p, r.value);
        return { status: 'done' };
      }
      if (r.outcome === 'retryable') return { status: 'retry', error: failureText(r) };
      if (isOurBug(r)) return { status: 'dead', error: failureText(r) };
      return resettle(m, p, id, r);
    };

  const refund: OutboxHandler = async (m) => {
    const p = m.payload as ProviderWorkPayload;
    const refundId = p.refundId as string;
    const state = await load(p);
    const ours = state?.refunds.find((x) => x.id === refundId);
    if (!state || ours?.status !== 'pending') return { status: 'done' };
    const ppid = p.providerPaymentId ?? state.providerPaymentId;
    if (!ppid) return { status: 'dead', error: `no provider payment id known for ${p.paymentId}` };
    const r = await deps.policy.execute(() =>
      deps.provider.refund({
        providerPaymentId: ppid,
        amount: p.amount,
        reason: p.reason ?? null,
        metadata: { [REFUND_ID_KEY]: refundId, [PAYMENT_ID_KEY]: p.paymentId },
        idempotencyKey: p.idempotencyKey,
      }),
    );
    if (r.outcome === 'retryable') return { status: 'retry', error: failureText(r) };
    if (r.outcome === 'ok') {
      const rs = r.value.status;
      // A pending refund settles later, by webhook or reconciliation.
      if (rs === 'succeeded') {
        await record(
          p,
          [{ type: 'RecordRefundSucceeded', refundId, providerRefundId: r.value.id, at: at() }],
          m,
        );
      } else if (rs === 'failed' || rs === 'canceled') {
        const message = r.value.failureReason ?? `refund ${rs}`;
        await record(
          p,
          [{ type: 'RecordRefundFailed', refundId, code: r.value.failureReason, message, at: at() }],
          m,
        );
      }
      return { status: 'done' };
    }
    if (isOurBug(r)) return { status: 'dead', error: failureText(r) };
    const code = r.outcome === 'permanent' ? r.code : r.failure.code;
    await record(p, [{ type: 'RecordRefundFailed', refundId, code, message: failureText(r), at: at() }], m);
    return { status: 'done' };
  };

  return guardAll({
    'provider.create_payment': createPayment,
    'provider.capture': paymentCall((ppid, p) =>
      deps.provider.capture(ppid, { amountToCapture: p.amount, idempotencyKey: p.idempotencyKey }),
    ),
    'provider.cancel': paymentCall((ppid, p) =>
      deps.provider.cancel(ppid, { reason: p.reason ?? null, idempotencyKey: p.idempotencyKey }),
    ),
    'provider.refund': refund,
  });
}

/**
 * An outcome that contradicts a terminal state (PAY_INVALID_TRANSITION) cannot be fixed by
 * retrying: the message is done and reconciliation settles the payment on the provider's truth.
 */
function guardAll(
  handlers: Record<ProviderWorkKind, OutboxHandler>,
): Record<ProviderWorkKind, OutboxHandler> {
  const out = {} as Record<ProviderWorkKind, OutboxHandler>;
  for (const [kind, h] of Object.entries(handlers) as Array<[ProviderWorkKind, OutboxHandler]>) {
    out[kind] = async (m): Promise<HandlerVerdict> => {
      try {
        return await h(m);
      } catch (e) {
        if (isPaystreamError(e) && e.code === 'PAY_INVALID_TRANSITION') return { status: 'done' };
        throw e;
      }
    };
  }
  return out;
}
