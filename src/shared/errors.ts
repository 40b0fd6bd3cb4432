/**
 * Errors named for the failure, each with a stable string code (see docs/errors.md).
 * Codes are part of the public contract: never rename one once released.
 * HTTP status mapping lives in src/http only, through ERROR_CATALOG.
 */
export class PaystreamError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Bad input: nothing was written. */
export class ValidationError extends PaystreamError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('PAY_VALIDATION', message, details);
  }
}

/** Optimistic concurrency: the stream is not at the version the caller expected. */
export class ConcurrencyError extends PaystreamError {
  readonly streamId: string;
  readonly expected: string | number;
  readonly actual: number;

  constructor(streamId: string, expected: string | number, actual: number) {
    super('PAY_CONCURRENCY', `stream ${streamId}: expected version ${expected}, actual ${actual}`, {
      streamId,
      expected,
      actual,
    });
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

export class NotFoundError extends PaystreamError {
  constructor(what: string, id: string) {
    super('PAY_NOT_FOUND', `${what} ${id} not found`, { what, id });
  }
}

export function isPaystreamError(e: unknown): e is PaystreamError {
  return e instanceof PaystreamError;
}
