/**
 * The catalog of stable error codes: HTTP status and a short title for each.
 * docs/errors.md lists the same codes; test/errors-catalog.test.ts keeps the two in step.
 * Add a code here (and in the doc) before throwing it anywhere.
 */
export interface ErrorCodeInfo {
  status: number;
  title: string;
}

export const ERROR_CATALOG = {
  // generic / event store
  PAY_VALIDATION: { status: 400, title: 'Invalid request' },
  PAY_CONCURRENCY: { status: 409, title: 'Concurrent modification' },
  PAY_EVENT_ID_CONFLICT: { status: 409, title: 'Event id already used with other content' },
  PAY_NOT_FOUND: { status: 404, title: 'Not found' },
  PAY_IDEMPOTENCY_MISMATCH: { status: 422, title: 'Idempotency key reused with another request' },
  PAY_IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this idempotency key is in progress' },
  PAY_STORE_UNAVAILABLE: { status: 503, title: 'Event store unavailable' },
  PAY_TIMEOUT: { status: 504, title: 'Timed out' },
  // money
  PAY_INVALID_AMOUNT: { status: 400, title: 'Invalid amount' },
  PAY_INVALID_CURRENCY: { status: 400, title: 'Invalid currency' },
  PAY_CURRENCY_MISMATCH: { status: 400, title: 'Currency mismatch' },
  // payment domain
  PAY_INVALID_TRANSITION: { status: 409, title: 'Operation not allowed in the payment state' },
  PAY_ALREADY_CAPTURED: { status: 409, title: 'Payment already captured' },
  PAY_CAPTURE_NOT_ALLOWED: { status: 409, title: 'Payment cannot be captured' },
  PAY_CAPTURE_EXCEEDS_AUTHORIZED: { status: 400, title: 'Capture amount above the authorized amount' },
  PAY_CANCEL_NOT_ALLOWED: { status: 409, title: 'Payment cannot be canceled' },
  PAY_REFUND_NOT_ALLOWED: { status: 409, title: 'Payment cannot be refunded' },
  PAY_REFUND_EXCEEDS_CAPTURED: { status: 400, title: 'Refund amount above the refundable amount' },
  PAY_PAYMENT_EXISTS: { status: 409, title: 'Payment already exists' },
  PAY_UNKNOWN_REFUND: { status: 404, title: 'Refund not found' },
  // http
  PAY_UNAUTHENTICATED: { status: 401, title: 'Missing or invalid API key' },
  PAY_FORBIDDEN: { status: 403, title: 'API key lacks the required scope' },
  PAY_ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  PAY_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  PAY_PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  PAY_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  PAY_MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  PAY_PRECONDITION_FAILED: { status: 412, title: 'If-Match does not match the current version' },
  PAY_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  PAY_INTERNAL: { status: 500, title: 'Internal error' },
  // provider flow
  PAY_PROVIDER_UNAVAILABLE: { status: 503, title: 'Payment provider unavailable' },
  PAY_WEBHOOK_SIGNATURE: { status: 400, title: 'Invalid webhook signature' },
  PAY_OUTBOX_NOT_DEAD: { status: 409, title: 'Outbox message is not a dead letter' },
  // config
  PAY_CONFIG_INVALID: { status: 500, title: 'Invalid configuration' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
