/**
 * PaymentProvider on the official Stripe SDK. Works against Stripe itself or the bundled simulator
 * (host/port/protocol). Every mutating call carries the caller's idempotency key, so the outbox can
 * retry any call without charging twice. The API key is handed to the SDK and never logged.
 */
import Stripe from 'stripe';
import type { Metrics } from '../../../observability/metrics.js';
import type {
  CreatePaymentRequest,
  PaymentProvider,
  ProviderEvent,
  ProviderPayment,
  ProviderRefund,
  ProviderResult,
} from '../port.js';
import { declineOf, toProviderEvent, toProviderPayment, toProviderRefund } from './mapping.js';
import { failureOf } from './outcomes.js';

export interface StripeProviderOptions {
  apiKey: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Per request, ms. Default 30000. */
  timeoutMs?: number;
  /** The SDK's own retries (same idempotency key, exponential backoff). Default 3. */
  maxNetworkRetries?: number;
  metrics?: Metrics;
}

type Page<T> = ProviderResult<{ data: T[]; hasMore: boolean }>;
type ListRequest = { createdGte?: number; limit?: number; startingAfter?: string };

const CANCEL_REASONS = new Set(['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer']);
const REFUND_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);
/** Stripe caps one page at 100; listRefunds stops after this many pages' worth. */
const MAX_REFUNDS = 10_000;

export class StripeProvider implements PaymentProvider {
  // A #private field: util.inspect (and so a logger dumping this object) cannot reach the SDK
  // client, which holds the API key.
  readonly #stripe: Stripe;
  private readonly metrics: Metrics | undefined;

  constructor(options: StripeProviderOptions) {
    const config: Stripe.StripeConfig = {
      timeout: options.timeoutMs ?? 30_000,
      maxNetworkRetries: options.maxNetworkRetries ?? 3,
      telemetry: false,
    };
    if (options.host !== undefined) config.host = options.host;
    if (options.port !== undefined) config.port = options.port;
    if (options.protocol !== undefined) config.protocol = options.protocol;
    this.#stripe = new Stripe(options.apiKey, config);
    this.metrics = options.metrics;
  }

  createPayment(req: CreatePaymentRequest): Promise<ProviderResult<ProviderPayment>> {
    const params: Stripe.PaymentIntentCreateParams = {
      amount: req.amount,
      currency: req.currency.toLowerCase(),
      payment_method: req.paymentMethod,
      // No redirect-based methods: confirm:true then never needs a return_url.
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      confirm: true,
      capture_method: req.captureMethod,
      metadata: req.metadata,
    };
    if (req.customer) params.customer = req.customer;
    if (req.description) params.description = req.description;
    return this.call('create_payment', async () => {
      const pi = await this.#stripe.paymentIntents.create(params, { idempotencyKey: req.idempotencyKey });
      const failure = declineOf(pi);
      if (failure) return { outcome: 'declined', failure, payment: toProviderPayment(pi) };
      return { outcome: 'ok', value: toProviderPayment(pi) };
    });
  }

  capture(
    providerPaymentId: string,
    req: { amountToCapture?: number; idempotencyKey: string },
  ): Promise<ProviderResult<ProviderPayment>> {
    const params: Stripe.PaymentIntentCaptureParams = {};
    if (req.amountToCapture !== undefined) params.amount_to_capture = req.amountToCapture;
    return this.call('capture', async () => {
      const pi = await this.#stripe.paymentIntents.capture(providerPaymentId, params, {
        idempotencyKey: req.idempotencyKey,
      });
      return ok(toProviderPayment(pi));
    });
  }

  cancel(
    providerPaymentId: string,
    req: { reason?: string | null; idempotencyKey: string },
  ): Promise<ProviderResult<ProviderPayment>> {
    const params: Stripe.PaymentIntentCancelParams = {};
    // Stripe accepts only its own reasons; anything else stays in paystream's own events.
    if (req.reason && CANCEL_REASONS.has(req.reason)) {
      params.cancellation_reason = req.reason as Stripe.PaymentIntentCancelParams.CancellationReason;
    }
    return this.call('cancel', async () => {
      const pi = await this.#stripe.paymentIntents.cancel(providerPaymentId, params, {
        idempotencyKey: req.idempotencyKey,
      });
      return ok(toProviderPayment(pi));
    });
  }

  refund(req: {
    providerPaymentId: string;
    amount?: number;
    reason?: string | null;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<ProviderResult<ProviderRefund>> {
    const params: Stripe.RefundCreateParams = {
      payment_intent: req.providerPaymentId,
      metadata: req.metadata,
    };
    if (req.amount !== undefined) params.amount = req.amount;
    if (req.reason && REFUND_REASONS.has(req.reason)) {
      params.reason = req.reason as Stripe.RefundCreateParams.Reason;
    }
    return this.call('refund', async () => {
      const refund = await this.#stripe.refunds.create(params, { idempotencyKey: req.idempotencyKey });
      return ok(toProviderRefund(refund));
    });
  }

  retrievePayment(providerPaymentId: string): Promise<ProviderResult<ProviderPayment>> {
    return this.call('retrieve_payment', async () =>
      ok(toProviderPayment(await this.#stripe.paymentIntents.retrieve(providerPaymentId))),
    );
  }

  retrieveRefund(providerRefundId: string): Promise<ProviderResult<ProviderRefund>> {
    return this.call('retrieve_refund', async () =>
      ok(toProviderRefund(await this.#stripe.refunds.retrieve(providerRefundId))),
    );
  }

  listRefunds(providerPaymentId: string): Promise<ProviderResult<ProviderRefund[]>> {
    return this.call('list_refunds', async () => {
      const all = await this.#stripe.refunds
        .list({ payment_intent: providerPaymentId, limit: 100 })
        .autoPagingToArray({ limit: MAX_REFUNDS });
      return ok(all.map(toProviderRefund));
    });
  }

  listPayments(req: ListRequest): Promise<Page<ProviderPayment>> {
    return this.call('list_payments', async () => {
      const page = await this.#stripe.paymentIntents.list(listParams(req));
      return ok({ data: page.data.map(toProviderPayment), hasMore: page.has_more });
    });
  }

  listEvents(req: ListRequest): Promise<Page<ProviderEvent>> {
    return this.call('list_events', async () => {
      const page = await this.#stripe.events.list(listParams(req));
      return ok({ data: page.data.map(toProviderEvent), hasMore: page.has_more });
    });
  }

  /** Times the call, turns SDK errors into outcomes and counts each outcome. */
  private async call<T>(operation: string, fn: () => Promise<ProviderResult<T>>): Promise<ProviderResult<T>> {
    const stop = this.metrics?.apiCallDuration.startTimer({ operation });
    let result: ProviderResult<T>;
    try {
      result = await fn();
    } catch (e) {
      result = failureOf(e);
    } finally {
      stop?.();
    }
    this.metrics?.apiCalls.inc({ operation, status: result.outcome === 'ok' ? 'success' : result.outcome });
    return result;
  }
}

function ok<T>(value: T): ProviderResult<T> {
  return { outcome: 'ok', value };
}

function listParams(req: ListRequest): {
  limit?: number;
  starting_after?: string;
  created?: { gte: number };
} {
  const params: { limit?: number; starting_after?: string; created?: { gte: number } } = {};
  if (req.limit !== undefined) params.limit = req.limit;
  if (req.startingAfter !== undefined) params.starting_after = req.startingAfter;
  if (req.createdGte !== undefined) params.created = { gte: req.createdGte };
  return params;
}
