/**
 * Errors → RFC 9457 problem+json. The only place error codes become HTTP statuses (through
 * ERROR_CATALOG). A client mistake always maps to a 4xx; only a fault of ours is a 5xx, and its
 * detail never leaks internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ERROR_CATALOG, type ErrorCode } from '../shared/errorCatalog.js';
import { ConcurrencyError, isPaystreamError, PaystreamError } from '../shared/errors.js';

export interface FieldError {
  path: string;
  message: string;
  code: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  request_id: string;
  errors?: FieldError[];
}

/** An HTTP-level failure with a catalog code (auth, 404/405, 413, 415, 429…). */
export class HttpProblem extends PaystreamError {
  readonly headers: Record<string, string>;
  constructor(
    code: ErrorCode,
    detail: string,
    options: { headers?: Record<string, string>; errors?: FieldError[] } = {},
  ) {
    super(code, detail, options.errors ? { errors: options.errors } : undefined);
    this.headers = options.headers ?? {};
  }
}

/** Fastify's own errors that are the client's doing, by Fastify code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAY_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'PAY_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'PAY_VALIDATION',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'PAY_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'PAY_MALFORMED_JSON',
  FST_ERR_BAD_URL: 'PAY_VALIDATION',
  FST_ERR_MAX_PARAM_LENGTH: 'PAY_VALIDATION',
  FST_ERR_ASYNC_CONSTRAINT: 'PAY_VALIDATION',
};

interface Mapped {
  code: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Our fault: log at error level. */
  internal?: boolean;
}

function validationErrors(err: FastifyError): FieldError[] {
  const where = err.validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    const path = String(v.instancePath ?? '')
      .split('/')
      .filter(Boolean)
      .join('.');
    return {
      path: path ? `${where}.${path}` : where,
      message: v.message ?? 'invalid',
      code: String(v.keyword),
    };
  });
}

function fromPaystreamError(err: PaystreamError, req: FastifyRequest): Mapped {
  // A version conflict the caller asked for with If-Match is a failed precondition, not a race.
  if (err instanceof ConcurrencyError && req.ifMatchVersion !== undefined) {
    return { code: 'PAY_PRECONDITION_FAILED', status: 412, detail: err.message };
  }
  const info = (ERROR_CATALOG as Record<string, { status: number } | undefined>)[err.code];
  const mapped: Mapped = { code: err.code, status: info?.status ?? 500, detail: err.message };
  if (err instanceof HttpProblem) {
    mapped.headers = err.headers;
    const errors = err.details?.errors as FieldError[] | undefined;
    if (errors) mapped.errors = errors;
  }
  if (mapped.status >= 500) mapped.internal = mapped.code === 'PAY_INTERNAL' || !info;
  return mapped;
}

export function mapError(err: unknown, req: FastifyRequest): Mapped {
  if (isPaystreamError(err)) return fromPaystreamError(err, req);
  if (typeof err !== 'object' || err === null) {
    return { code: 'PAY_INTERNAL', status: 500, detail: 'internal error', internal: true };
  }
  const fe = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    return {
      code: 'PAY_VALIDATION',
      status: 400,
      detail: 'the request is invalid',
      errors: validationErrors(fe),
    };
  }
  if (isResponseSerializationError(fe)) {
    return { code: 'PAY_INTERNAL', status: 500, detail: 'internal error', internal: true };
  }
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known === 'PAY_VALIDATION') {
    // Router errors (bad encoding, over-long segment): the URL itself is the invalid field.
    return {
      code: known,
      status: 400,
      detail: fe.message,
      errors: [{ path: 'url', message: fe.message, code: fe.code }],
    };
  }
  if (known) return { code: known, status: ERROR_CATALOG[known].status, detail: fe.message };
  if (err instanceof SyntaxError && fe.statusCode === 400) {
    return { code: 'PAY_MALFORMED_JSON', status: 400, detail: 'the body is not valid JSON' };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Another client error from Fastify or a plugin: keep it a 4xx under the generic code.
    return { code: 'PAY_VALIDATION', status: 400, detail: fe.message };
  }
  return { code: 'PAY_INTERNAL', status: 500, detail: 'internal error', internal: true };
}

export function problemBody(m: Mapped, req: FastifyRequest): Problem {
  const info = (ERROR_CATALOG as Record<string, { title: string } | undefined>)[m.code];
  const body: Problem = {
    type: `urn:paystream:error:${m.code}`,
    title: info?.title ?? 'Error',
    status: m.status,
    detail: m.detail,
    instance: `urn:paystream:request:${req.id}`,
    code: m.code,
    request_id: String(req.id),
  };
  if (m.errors) body.errors = m.errors;
  return body;
}

export function sendProblem(reply: FastifyReply, m: Mapped): FastifyReply {
  for (const [name, value] of Object.entries(m.headers ?? {})) reply.header(name, value);
  // Router errors skip the onRequest hooks that normally set it.
  reply.header('X-Request-Id', reply.request.id);
  // Our own serializer: the route's response schemas describe successes, not this body.
  return reply
    .code(m.status)
    .type('application/problem+json')
    .serializer((payload: unknown) => JSON.stringify(payload))
    .send(problemBody(m, reply.request));
}

export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = mapError(err, req);
  if (mapped.internal) req.log.error({ err }, 'request failed');
  else if (mapped.status >= 500) req.log.warn({ code: mapped.code, detail: mapped.detail }, 'request failed');
  else req.log.debug({ code: mapped.code }, 'request rejected');
  return sendProblem(reply, mapped);
}
