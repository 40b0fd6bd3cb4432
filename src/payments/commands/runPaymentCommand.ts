/**
 * One payment command through the generic handler: the payment decider, its upcasters and
 * outbox mapping, metadata from the CommandContext, idempotency keys scoped by actor.
 */
import { type AggregateCache, createAggregateCache } from '../../eventsourcing/aggregateCache.js';
import { type HandleCommandOptions, handleCommand } from '../../eventsourcing/commandHandler.js';
import type { EventStore, IdempotencyStore, SnapshotStore } from '../../eventsourcing/eventStore.js';
import { ConcurrencyError, isPaystreamError, NotFoundError, PaystreamError } from '../../shared/errors.js';
import type { PaymentCommand } from '../domain/commands.js';
import { type PaymentEvent, paymentStreamId } from '../domain/events.js';
import {
  outboxFor,
  PAYMENT_STATE_SCHEMA_VERSION,
  type PaymentState,
  paymentDecider,
} from '../domain/payment.js';
import { paymentUpcasters } from '../domain/upcasters.js';
import type { CommandContext, CommandResult } from '../services.js';
import { requestHash } from './requestHash.js';

export interface PaymentCommandDeps {
  store: EventStore & IdempotencyStore;
  /** Usually the store itself; omit to always fold from the start. */
  snapshots?: SnapshotStore;
  /** The time stamped on commands; default the wall clock. */
  now?: () => Date;
  /** Default 100. */
  snapshotEvery?: number;
  /** Re-tries after a write conflict (not with If-Match); default 5. */
  maxRetries?: number;
  /**
   * Loaded payment states by stream. Default: one per deps object (a service and a recorder built
   * on the same deps share it); false to always load from the store.
   */
  cache?: AggregateCache<PaymentState | null> | false;
  /**
   * Default true: decide on the cached state without reading the tail first; a stale state is
   * caught by the append's expected version (re-load, retry) and refusals are re-checked.
   */
  trustCache?: boolean;
  /**
   * Default false: the idempotency key is looked up only when a command does not append (the
   * store checks it inside the append's transaction), saving a read per command. True: always
   * look it up before loading. Results are the same.
   */
  lookupKeyFirst?: boolean;
}

export interface PaymentCommandRun {
  paymentId: string;
  command: PaymentCommand;
  ctx: CommandContext;
  /** Names the operation in the request hash (an idempotency key reused for another is refused). */
  operation: string;
  /** What the request hash covers besides the operation (the validated input). */
  input: unknown;
  /** Null for creates: the id is new on every attempt, so the hash cannot include it. */
  hashPaymentId: string | null;
  refundId?: string;
}

export interface PaymentCommandOutcome extends CommandResult {
  /** Types of the events this call wrote (empty for replays and duplicates). */
  eventTypes: string[];
}

interface StoredResponse {
  paymentId: string;
  refundId?: string;
}

type PaymentHandlerOptions = HandleCommandOptions<PaymentCommand, PaymentEvent, PaymentState | null>;

function handlerOptions(deps: PaymentCommandDeps, run: PaymentCommandRun): PaymentHandlerOptions {
  const { ctx } = run;
  const cache = cacheFor(deps);
  const stored: StoredResponse = run.refundId
    ? { paymentId: run.paymentId, refundId: run.refundId }
    : { paymentId: run.paymentId };
  const opts: PaymentHandlerOptions = {
    store: deps.store,
    decider: paymentDecider,
    streamId: paymentStreamId(run.paymentId),
    command: run.command,
    metadata: {
      correlationId: ctx.correlationId,
      causationId: ctx.causationId ?? ctx.correlationId,
      actor: ctx.actor,
    },
    // A create mints its payment id, so there is nothing to load.
    newStream: run.command.type === 'RequestPayment',
    outbox: outboxFor,
    lookupKeyFirst: deps.lookupKeyFirst ?? false,
    response: () => stored,
    upcasters: paymentUpcasters,
    snapshotEvery: deps.snapshotEvery ?? 100,
    snapshotSchemaVersion: PAYMENT_STATE_SCHEMA_VERSION,
    maxRetries: deps.maxRetries ?? 5,
  };
  // Optional fields assigned, not spread in: V8 (Node 20) takes a slow path for an object
  // literal with spreads, and this runs once per command.
  if (deps.snapshots) opts.snapshots = deps.snapshots;
  if (ctx.expectedVersion !== undefined) opts.expectedVersion = ctx.expectedVersion;
  if (ctx.idempotencyKey) {
    opts.idempotency = {
      key: `${ctx.actor}:${ctx.idempotencyKey}`,
      requestHash: requestHash(run.operation, run.hashPaymentId, run.input),
    };
  }
  if (cache) {
    opts.cache = cache;
    opts.trustCache = deps.trustCache ?? true;
  }
  return opts;
}

export async function runPaymentCommand(
  deps: PaymentCommandDeps,
  run: PaymentCommandRun,
): Promise<PaymentCommandOutcome> {
  try {
    const outcome = await handleCommand(handlerOptions(deps, run));
    const response = outcome.response as StoredResponse;
    const out: PaymentCommandOutcome = {
      paymentId: response.paymentId,
      version: outcome.version,
      checkpoint: outcome.checkpoint,
      globalPosition: outcome.globalPosition,
      replayed: outcome.replayed,
      eventTypes: outcome.events.map((e) => e.event.type),
    };
    if (response.refundId) out.refundId = response.refundId;
    return out;
  } catch (e) {
    throw translate(e, run);
  }
}

function translate(e: unknown, run: PaymentCommandRun): unknown {
  if (e instanceof ConcurrencyError && run.ctx.expectedVersion !== undefined) {
    return new PaystreamError(
      'PAY_PRECONDITION_FAILED',
      `payment ${run.paymentId} is at version ${e.actual}, not ${run.ctx.expectedVersion}`,
      { paymentId: run.paymentId, expected: run.ctx.expectedVersion, actual: e.actual },
      { cause: e },
    );
  }
  // The decider does not know the id of a payment whose stream is empty.
  if (isPaystreamError(e) && e.code === 'PAY_NOT_FOUND' && e.details?.what === 'payment') {
    return new NotFoundError('payment', run.paymentId);
  }
  return e;
}

export function commandTime(deps: PaymentCommandDeps): string {
  return (deps.now?.() ?? new Date()).toISOString();
}

const defaultCaches = new WeakMap<PaymentCommandDeps, AggregateCache<PaymentState | null>>();

/** The given cache, or one per deps object: a service and a recorder built on the same deps share it. */
function cacheFor(deps: PaymentCommandDeps): AggregateCache<PaymentState | null> | undefined {
  if (deps.cache === false) return undefined;
  if (deps.cache) return deps.cache;
  let cache = defaultCaches.get(deps);
  if (!cache) {
    cache = createAggregateCache<PaymentState | null>();
    defaultCaches.set(deps, cache);
  }
  return cache;
}
