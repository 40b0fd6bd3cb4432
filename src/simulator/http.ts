/**
 * The request pipeline every /v1 call goes through, in Stripe's order: authentication, injected
 * faults, idempotency, then the operation. Injected errors answer before anything runs (so a
 * retry does the work); an injected timeout runs the operation and then withholds the response.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Deferrer, makeContext, type SimContext } from './context.js';
import { apiError, SimError } from './errors.js';
import type { ApiFault, FaultInjector } from './faults.js';
import { decodeForm, type FormObject } from './form.js';
import { fingerprint, type IdempotencyGuard, scopeOf } from './idempotency.js';
import { newId } from './ids.js';
import { API_VERSION, type WireEvent } from './objects.js';
import type { SimState } from './state.js';

export interface PipelineDeps {
  state: SimState;
  faults: FaultInjector;
  idempotency: IdempotencyGuard;
  nowMs: () => number;
  onEvent: (event: WireEvent) => number;
  defer: Deferrer;
  /** The one accepted key; when absent any `sk_test_…` key is accepted. */
  apiKey: string | undefined;
}

export type Operation = (ctx: SimContext, params: FormObject, pathParams: Record<string, string>) => unknown;

interface Outcome {
  status: number;
  body: unknown;
  replayable: boolean;
}

function errorBody(e: SimError): unknown {
  return { error: e.body };
}

function authenticate(deps: PipelineDeps, req: FastifyRequest): string | SimError {
  const header = req.headers.authorization ?? '';
  const key = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const valid = deps.apiKey !== undefined ? key === deps.apiKey : /^sk_test_\w+$/.test(key);
  if (valid) return key;
  // Stripe echoes a redacted key: only the last four characters, never the secret.
  const shown = key ? `sk_test_****${key.slice(-4)}` : '';
  const message = key
    ? `Invalid API Key provided: ${shown}`
    : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";
  return new SimError(401, { type: 'invalid_request_error', message }, false);
}

function params(req: FastifyRequest): FormObject {
  if (req.method === 'GET' || req.method === 'DELETE') {
    const q = req.url.indexOf('?');
    return q < 0 ? {} : decodeForm(req.url.slice(q + 1));
  }
  return (req.body as FormObject | undefined) ?? {};
}

function run(
  deps: PipelineDeps,
  req: FastifyRequest,
  op: Operation,
  requestId: string,
  key: string | null,
): Outcome {
  const ctx = makeContext(
    deps.state,
    deps.nowMs,
    { id: requestId, idempotencyKey: key },
    deps.onEvent,
    deps.defer,
    () => deps.faults.nextDecline(),
  );
  try {
    const body = op(ctx, params(req), req.params as Record<string, string>);
    return { status: 200, body, replayable: true };
  } catch (e) {
    if (e instanceof SimError) return { status: e.status, body: errorBody(e), replayable: e.replayable };
    return { status: 500, body: errorBody(apiError(500, 'An unknown error occurred')), replayable: false };
  }
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(JSON.stringify(body));
}

/** Builds the Fastify handler for one Stripe endpoint. */
export function apiHandler(deps: PipelineDeps, op: Operation) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const requestId = newId('req');
    const idemKey = req.method === 'POST' ? headerValue(req, 'idempotency-key') : null;
    reply
      .header('request-id', requestId)
      .header('stripe-version', headerValue(req, 'stripe-version') ?? API_VERSION);
    if (idemKey) reply.header('idempotency-key', idemKey);
    const auth = authenticate(deps, req);
    if (auth instanceof SimError) return send(reply, auth.status, errorBody(auth));
    const fault = deps.faults.nextApiFault();
    if (fault.kind === 'error') {
      await sleep(fault.latencyMs);
      return send(reply, fault.status, errorBody(apiError(fault.status, injectedMessage(fault.status))));
    }
    const [status, body] = await respond(deps, req, reply, op, {
      requestId,
      idemKey,
      scope: scopeOf(auth),
      fault,
    });
    // A timeout withholds whatever the answer was, replays and conflicts included.
    if (fault.kind === 'timeout') return withhold(deps, reply);
    return send(reply, status, body);
  };
}

async function respond(
  deps: PipelineDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  op: Operation,
  r: { requestId: string; idemKey: string | null; scope: string; fault: ApiFault },
): Promise<[number, unknown]> {
  const { idemKey, scope } = r;
  if (idemKey) {
    const fp = fingerprint(req.method, req.url.split('?')[0] ?? '', params(req));
    const decision = deps.idempotency.begin(scope, idemKey, fp);
    if (decision.kind === 'replay') {
      reply.header('idempotent-replayed', 'true');
      return [decision.status, decision.body];
    }
    if (decision.kind !== 'new') return idempotencyConflict(decision.kind, idemKey);
  }
  await sleep(r.fault.latencyMs);
  const outcome = run(deps, req, op, r.requestId, idemKey);
  if (idemKey) {
    if (outcome.replayable) deps.idempotency.finish(scope, idemKey, outcome.status, outcome.body);
    else deps.idempotency.release(scope, idemKey);
  }
  return [outcome.status, outcome.body];
}

function idempotencyConflict(kind: 'mismatch' | 'in_flight', key: string): [number, unknown] {
  if (kind === 'mismatch') {
    return [
      400,
      {
        error: {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        },
      },
    ];
  }
  return [
    409,
    {
      error: {
        type: 'idempotency_error',
        code: 'idempotency_key_in_use',
        message: `There is currently another in-progress request using this idempotent key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
      },
    },
  ];
}

/** The work is done; the client never hears back. */
function withhold(deps: PipelineDeps, reply: FastifyReply): void {
  reply.hijack();
  const cfg = deps.faults.config;
  if (cfg.timeoutMode === 'destroy') {
    setTimeout(() => reply.raw.destroy(), cfg.timeoutAfterMs).unref();
  }
}

function injectedMessage(status: number): string {
  if (status === 429)
    return 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.';
  return 'An unknown error occurred (injected by the simulator).';
}

function headerValue(req: FastifyRequest, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : null;
}
