/** Errors the simulator answers with, shaped as Stripe's `{ error: {...} }` bodies. */
export interface StripeErrorBody {
  type: 'invalid_request_error' | 'card_error' | 'api_error' | 'idempotency_error' | 'rate_limit_error';
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  [key: string]: unknown;
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    /**
     * Stripe saves an idempotent result only once the endpoint started executing:
     * parameter validation failures are not replayed, later failures (declines, wrong state) are.
     */
    readonly replayable = true,
  ) {
    super(body.message);
  }
}

export function invalidParam(message: string, param: string, code = 'parameter_invalid'): SimError {
  return new SimError(400, { type: 'invalid_request_error', code, param, message }, false);
}

export function missingParam(param: string): SimError {
  return invalidParam(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function noSuch(kind: string, id: string, param?: string): SimError {
  const body: StripeErrorBody = {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
  };
  if (param) body.param = param;
  // A missing object named in a parameter is a 400 in Stripe; a missing object in the path is a 404.
  return new SimError(param ? 400 : 404, body, false);
}

export function unexpectedState(message: string, extra: Record<string, unknown> = {}): SimError {
  return new SimError(400, {
    type: 'invalid_request_error',
    code: 'payment_intent_unexpected_state',
    message,
    doc_url: 'https://stripe.com/docs/error-codes/payment-intent-unexpected-state',
    ...extra,
  });
}

export function apiError(status: number, message: string): SimError {
  const type = status === 429 ? 'rate_limit_error' : 'api_error';
  const body: StripeErrorBody = { type, message };
  if (status === 429) body.code = 'rate_limit';
  return new SimError(status, body, false);
}
