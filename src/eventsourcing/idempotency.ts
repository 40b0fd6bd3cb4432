/**
 * Command idempotency: a key (already scoped by the caller) and a hash of the request are
 * stored with the command's events in one append; the handler replays from the record.
 */
import { PaystreamError } from '../shared/errors.js';
import type { IdempotencyRecord, IdempotencyStore } from './eventStore.js';

export class IdempotencyMismatchError extends PaystreamError {
  constructor(key: string) {
    super('PAY_IDEMPOTENCY_MISMATCH', 'idempotency key already used with another request', { key });
  }
}

/** What the command handler stores as the record's `response`. */
export interface StoredCommandResponse {
  version: number;
  response: unknown;
}

export interface ReplayedOutcome {
  streamId: string;
  version: number;
  checkpoint: string;
  globalPosition: number;
  replayed: true;
  events: never[];
  state: undefined;
  response: unknown;
}

/** Same hash → the stored result; other hash → PAY_IDEMPOTENCY_MISMATCH. */
export function replayFromRecord(record: IdempotencyRecord, requestHash: string): ReplayedOutcome {
  if (record.requestHash !== requestHash) throw new IdempotencyMismatchError(record.key);
  const stored = record.response as StoredCommandResponse;
  return {
    streamId: record.streamId,
    version: stored.version,
    checkpoint: record.checkpoint,
    globalPosition: record.globalPosition,
    replayed: true,
    events: [],
    state: undefined,
    response: stored.response,
  };
}

export const IDEMPOTENCY_TTL_HOURS = 24;

/** Deletes keys older than `ttlHours` (at least 24 h are kept by contract); returns how many. */
export async function pruneIdempotencyKeys(
  store: Pick<IdempotencyStore, 'pruneIdempotency'>,
  now: Date,
  ttlHours = IDEMPOTENCY_TTL_HOURS,
): Promise<number> {
  if (!(ttlHours >= IDEMPOTENCY_TTL_HOURS)) {
    throw new RangeError(`idempotency keys are kept at least ${IDEMPOTENCY_TTL_HOURS} hours`);
  }
  return store.pruneIdempotency(new Date(now.getTime() - ttlHours * 3_600_000));
}

export interface IdempotencyPruning {
  /** Prunes now; resolves with how many keys were deleted. */
  runOnce(): Promise<number>;
  stop(): void;
}

/**
 * Prunes expired keys every `everyMs` (default one hour) in the background; the timer does not
 * keep the process alive. A failed prune is reported to `onError` and retried at the next tick.
 */
export function scheduleIdempotencyPruning(
  store: Pick<IdempotencyStore, 'pruneIdempotency'>,
  options: {
    everyMs?: number;
    ttlHours?: number;
    now?: () => Date;
    onPruned?: (count: number) => void;
    onError?: (error: unknown) => void;
  } = {},
): IdempotencyPruning {
  const runOnce = async () => {
    const count = await pruneIdempotencyKeys(store, options.now?.() ?? new Date(), options.ttlHours);
    options.onPruned?.(count);
    return count;
  };
  const timer = setInterval(() => {
    runOnce().catch((e) => options.onError?.(e));
  }, options.everyMs ?? 3_600_000);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
