/**
 * Per-request context: the principal, the headers of the HTTP contract and the CommandContext
 * handed to the command service.
 *
 * Headers (all documented in the OpenAPI description):
 *  - `X-Request-Id`: accepted when it is 1–128 of [A-Za-z0-9._:-], else generated (UUID); echoed on
 *    every response, bound to every log line, stored as the events' correlationId.
 *  - `Idempotency-Key` (POST): 1–255 printable ASCII characters, scoped by API key.
 *  - `ETag`: the payment's stream version as a strong tag, `"<version>"`.
 *  - `If-Match` (mutations): `"<version>"` (or `W/"<version>"`) → expectedVersion; a mismatch is 412.
 *  - `Paystream-Checkpoint` (command responses): the read-your-writes checkpoint of the write.
 *  - `Paystream-Min-Checkpoint` (GET; or query `min_checkpoint`): wait for that checkpoint first.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest, RawRequestDefaultExpression } from 'fastify';
import type { Principal, Scope } from '../auth/keys.js';
import type { CommandContext, ReadOptions } from '../payments/services.js';
import { HttpProblem } from './problem.js';

/** Who may call a route: a scope, or 'public' (no key). */
export type RouteScope = Scope | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required scope; routes without one require 'admin'. */
    scope?: RouteScope;
    /** Keep the body text in req.rawBody (signature checks). */
    rawBody?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
    rawBody?: string;
    /** Set when If-Match was given, so a ConcurrencyError becomes 412. */
    ifMatchVersion?: number;
  }
}

export const HEADERS = {
  requestId: 'x-request-id',
  idempotencyKey: 'idempotency-key',
  idempotentReplayed: 'Idempotent-Replayed',
  checkpoint: 'Paystream-Checkpoint',
  minCheckpoint: 'paystream-min-checkpoint',
} as const;

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;
const IF_MATCH_RE = /^(?:W\/)?"(\d{1,15})"$/;

/** Fastify genReqId: the caller's X-Request-Id when well-formed, else a fresh UUID. */
export function requestIdFrom(raw: RawRequestDefaultExpression): string {
  const given = raw.headers[HEADERS.requestId];
  return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
}

export function etag(version: number): string {
  return `"${version}"`;
}

function singleHeader(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function invalidHeader(name: string, message: string): HttpProblem {
  return new HttpProblem('PAY_VALIDATION', `${name} header ${message}`, {
    errors: [{ path: `headers.${name}`, message, code: 'invalid_header' }],
  });
}

function parseIfMatch(req: FastifyRequest): number | undefined {
  const value = singleHeader(req, 'if-match')?.trim();
  if (value === undefined || value === '*') return undefined;
  const m = IF_MATCH_RE.exec(value);
  if (!m) throw invalidHeader('if-match', 'must be one ETag such as "3"');
  return Number(m[1]);
}

function parseIdempotencyKey(req: FastifyRequest): string | undefined {
  const value = singleHeader(req, HEADERS.idempotencyKey);
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_RE.test(value))
    throw invalidHeader(HEADERS.idempotencyKey, 'must be 1-255 printable ASCII');
  return value;
}

/** The CommandContext of an authenticated mutation; validates Idempotency-Key and If-Match. */
export function commandContext(req: FastifyRequest): CommandContext {
  const ctx: CommandContext = { actor: req.principal?.keyId ?? 'anonymous', correlationId: String(req.id) };
  const idempotencyKey = parseIdempotencyKey(req);
  if (idempotencyKey !== undefined) ctx.idempotencyKey = idempotencyKey;
  const expectedVersion = parseIfMatch(req);
  if (expectedVersion !== undefined) {
    ctx.expectedVersion = expectedVersion;
    req.ifMatchVersion = expectedVersion;
  }
  return ctx;
}

/** Read options of a GET: the min checkpoint from the query or the header. */
export function readOptions(
  req: FastifyRequest,
  query: { min_checkpoint?: string | undefined },
  timeoutMs: number,
): ReadOptions {
  const minCheckpoint = query.min_checkpoint ?? singleHeader(req, HEADERS.minCheckpoint);
  return minCheckpoint ? { minCheckpoint, timeoutMs } : {};
}
