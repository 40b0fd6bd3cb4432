/**
 * Provider webhooks in: verify the signature (Stripe's SDK, constructEvent, on the raw body),
 * dedupe by provider event id in the inbox, then settle the payment on the provider's *current*
 * object, re-read with retrievePayment (and listRefunds): webhooks arrive late, twice, out of order
 * or never, so the event only says "look at this payment now" and order never matters. A webhook
 * never moves a payment backwards (forwardOnly); what it cannot settle, reconciliation does.
 */
import Stripe from 'stripe';
import type { Metrics } from '../../observability/metrics.js';
import { isPaystreamError, PaystreamError } from '../../shared/errors.js';
import type { PaymentRecorder } from '../commands/paymentRecorder.js';
import type { WebhookInbox } from './inbox/webhookInbox.js';
import type { ProviderPolicy } from './policy.js';
import type { PaymentProvider, ProviderEvent } from './port.js';
import { type PaymentLoader, recordAll } from './recording.js';
import { toProviderEvent } from './stripe/mapping.js';
import { settle, subjectOf, truthOf } from './translator.js';

/** Deliberately vague: which part failed (header, secret, time) helps an attacker more than us. */
export class WebhookSignatureError extends PaystreamError {
  constructor() {
    super('PAY_WEBHOOK_SIGNATURE', 'webhook signature missing, invalid or outside the tolerance');
  }
}

/** The provider could not be asked for the current object: answer 503 so it redelivers later. */
export class WebhookRetryLaterError extends PaystreamError {
  constructor(reason: string) {
    super('PAY_PROVIDER_UNAVAILABLE', `cannot settle the webhook now: ${reason}`);
  }
}

export type WebhookResult = 'applied' | 'duplicate' | 'ignored' | 'conflict';

export interface WebhookReceiver {
  receive(
    rawBody: Buffer | string,
    signature: string | undefined,
  ): Promise<{ eventId: string; type: string; result: WebhookResult }>;
}

export interface WebhookDeps {
  secret: string;
  /** Seconds a signature stays valid; default 300. */
  toleranceSeconds?: number;
  inbox: WebhookInbox;
  provider: PaymentProvider;
  policy: ProviderPolicy;
  recorder: PaymentRecorder;
  loadPayment: PaymentLoader;
  metrics?: Metrics;
  logger?: { warn(obj: object, msg: string): void };
  now?: () => Date;
}

// Only the verifier is used: no API key is needed to check a signature.
const verifier = new Stripe('sk_test_signature_verification_only').webhooks;

export class StripeWebhookReceiver implements WebhookReceiver {
  constructor(private readonly d: WebhookDeps) {}

  verify(rawBody: Buffer | string, signature: string | undefined): ProviderEvent {
    try {
      if (!signature) throw new Error('missing');
      const event = verifier.constructEvent(
        rawBody,
        signature,
        this.d.secret,
        this.d.toleranceSeconds ?? 300,
      );
      return toProviderEvent(event);
    } catch {
      this.d.metrics?.webhookSignatureFailures.inc();
      throw new WebhookSignatureError();
    }
  }

  async receive(rawBody: Buffer | string, signature: string | undefined) {
    const event = this.verify(rawBody, signature);
    const result = await this.process(event);
    this.d.metrics?.webhooksReceived.inc({ type: event.type, result });
    return { eventId: event.id, type: event.type, result };
  }

  async process(event: ProviderEvent): Promise<WebhookResult> {
    const subject = subjectOf(event);
    const paymentId = subject?.paymentId ?? null;
    const { entry, isNew } = await this.d.inbox.receive({ eventId: event.id, type: event.type, paymentId });
    if (!isNew && entry.processedAt) return 'duplicate';
    // Not about one of our payments (or made outside paystream): reconciliation reports those.
    const state = subject && paymentId ? await this.d.loadPayment(paymentId) : null;
    if (!subject || !state) {
      await this.d.inbox.markProcessed(event.id);
      return 'ignored';
    }
    const result = await this.settleOn(event, subject.providerPaymentId, paymentId as string);
    await this.d.inbox.markProcessed(event.id);
    return result;
  }

  private async settleOn(
    event: ProviderEvent,
    providerPaymentId: string,
    paymentId: string,
  ): Promise<WebhookResult> {
    const { policy, provider } = this.d;
    const payment = await policy.execute(() => provider.retrievePayment(providerPaymentId));
    if (payment.outcome !== 'ok') throw new WebhookRetryLaterError(`retrieve ${payment.outcome}`);
    const refunds = await policy.execute(() => provider.listRefunds(providerPaymentId));
    if (refunds.outcome !== 'ok') throw new WebhookRetryLaterError(`list refunds ${refunds.outcome}`);
    // Re-load after the provider round trips: the freshest state is the one we compare.
    const state = await this.d.loadPayment(paymentId);
    if (!state) return 'ignored';
    const at = (this.d.now?.() ?? new Date()).toISOString();
    const reason = `webhook ${event.type} ${event.id}`;
    const s = settle(state, truthOf(payment.value, refunds.value), {
      source: 'webhook',
      at,
      reason,
      forwardOnly: true,
    });
    if (s.conflicts.length > 0) {
      this.d.logger?.warn({ paymentId, eventId: event.id, conflicts: s.conflicts }, 'webhook needs a person');
      return 'conflict';
    }
    const ctx = { actor: 'system:webhooks', correlationId: event.id, causationId: `webhook:${event.id}` };
    const observer = this.d.metrics
      ? { metrics: this.d.metrics, loadPayment: this.d.loadPayment }
      : undefined;
    try {
      await recordAll(this.d.recorder, paymentId, s.commands, ctx, observer);
    } catch (e) {
      // The decider refused the news (it contradicts a terminal state): redelivery cannot change
      // that, so acknowledge it and leave it to reconciliation, which flags or corrects it.
      if (!isPaystreamError(e) || e.code !== 'PAY_INVALID_TRANSITION') throw e;
      this.d.logger?.warn({ paymentId, eventId: event.id, err: e.message }, 'webhook refused by the decider');
      return 'conflict';
    }
    return 'applied';
  }
}
