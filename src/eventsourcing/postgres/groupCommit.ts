/**
 * Group commit for PostgreSQL: appends queue up; a drain (once per event-loop turn, and whenever a
 * batch finishes) packs the queue into batches of independent appends — each stream, event id and
 * idempotency key at most once, and no stream that an in-flight batch is writing — and runs each
 * batch as ONE statement (append_batch.sql) in one transaction, up to `maxInFlight` batches at a
 * time. Appends left out wait for the next batch, so appends to one stream commit in call order.
 *
 * Failure isolation: a failed check fails only its own append (the statement decides per append).
 * A hook error rolls the batch back, rejects that append with the hook's error and retries the
 * others. Transient errors (unique race, deadlock, lost connection) retry the whole batch; a
 * batch that still fails is split and each append retried alone, so an unexpected error lands
 * only on the append that causes it.
 */
import type pg from 'pg';
import { PaystreamError } from '../../shared/errors.js';
import type { RecordedEvent } from '../eventStore.js';
import type { PreparedAppend } from '../validation.js';
import { type AppendOutcome, runAppendBatch } from './appendBatch.js';

export type InlineHook = (client: pg.PoolClient, events: RecordedEvent[]) => Promise<void>;

export interface GroupCommitOptions {
  pool: pg.Pool;
  hooks: readonly InlineHook[];
  synchronousCommit: 'on' | 'off';
  maxInFlight: number;
  maxBatch: number;
  onBatch?: (size: number) => void;
}

interface Pending {
  p: PreparedAppend;
  resolve: (o: AppendOutcome) => void;
  reject: (e: unknown) => void;
}

class HookFailure extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super('inline hook failed');
  }
}

const MAX_ATTEMPTS = 4;
const MIN_SPLIT = 8;
// unique_violation (a concurrent id/key), serialization failure, deadlock, admin shutdown.
const TRANSIENT_CODES = new Set(['23505', '40001', '40P01', '57P01']);

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  // 08: connection exceptions; 57P0x: server shutting down or restarting; 53300: too many
  // connections; 3D000: the database is gone; E*: socket errors.
  if (typeof code === 'string') return /^(08|57P0|53300|3D000|ECONN|ETIMEDOUT|EPIPE)/.test(code);
  return (
    e instanceof Error && /Connection terminated|connection timeout|Client has encountered/i.test(e.message)
  );
}

function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return (typeof code === 'string' && TRANSIENT_CODES.has(code)) || isConnectionError(e);
}

function toStoreError(e: unknown): unknown {
  if (!isConnectionError(e)) return e;
  return new PaystreamError(
    'PAY_STORE_UNAVAILABLE',
    `event store unavailable: ${(e as Error).message}`,
    {},
    { cause: e },
  );
}

export class GroupCommitWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private readonly busyStreams = new Set<string>();
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: GroupCommitOptions) {}

  enqueue(p: PreparedAppend): Promise<AppendOutcome> {
    return new Promise<AppendOutcome>((resolve, reject) => {
      this.queue.push({ p, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every queued append has been settled. */
  flush(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // One turn of the event loop lets every caller that is ready join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.o.maxInFlight && this.queue.length > 0) {
      // Spread the queue over the free slots, so batches run (and use CPU) in parallel on the
      // server and one commits while another executes — but not into batches so small that the
      // per-statement cost dominates.
      const free = this.o.maxInFlight - this.inFlight;
      const share = Math.max(MIN_SPLIT, Math.ceil(this.queue.length / free));
      const batch = this.take(Math.min(this.o.maxBatch, share));
      if (batch.length === 0) break;
      this.inFlight++;
      for (const x of batch) this.busyStreams.add(x.p.streamId);
      void this.run(batch).finally(() => {
        this.inFlight--;
        for (const x of batch) this.busyStreams.delete(x.p.streamId);
        if (this.queue.length > 0) this.schedule();
        else if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private take(max: number): Pending[] {
    const streams = new Set<string>();
    const keys = new Set<string>();
    const ids = new Set<string>();
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const x of this.queue) {
      const { p } = x;
      const free =
        batch.length < max &&
        !streams.has(p.streamId) &&
        !this.busyStreams.has(p.streamId) &&
        !(p.idempotency && keys.has(p.idempotency.key)) &&
        !p.events.some((e) => ids.has(e.id));
      if (!free) {
        rest.push(x);
        continue;
      }
      batch.push(x);
      streams.add(p.streamId);
      if (p.idempotency) keys.add(p.idempotency.key);
      for (const e of p.events) ids.add(e.id);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Pending[]): Promise<void> {
    for (let attempt = 1; batch.length > 0; attempt++) {
      try {
        const outcomes = await this.execute(batch.map((x) => x.p));
        this.o.onBatch?.(batch.length);
        for (const [i, x] of batch.entries()) x.resolve(outcomes[i]!);
        return;
      } catch (e) {
        if (e instanceof HookFailure) {
          batch[e.index]!.reject(e.cause);
          batch = batch.filter((_, i) => i !== e.index);
        } else if (isTransient(e) && attempt < MAX_ATTEMPTS) {
          // Run the whole batch again: nothing of it committed (or, if the connection died during
          // COMMIT, all of it did, and the retry finds its event ids: a replay, not a duplicate).
        } else if (batch.length > 1) {
          for (const x of batch) await this.run([x]);
          return;
        } else {
          batch[0]!.reject(toStoreError(e));
          return;
        }
      }
    }
  }

  private async execute(batch: PreparedAppend[]): Promise<AppendOutcome[]> {
    const { pool, hooks, synchronousCommit } = this.o;
    // Without hooks the statement is its own transaction: one round trip per batch.
    if (hooks.length === 0) return runAppendBatch(pool, batch, synchronousCommit);
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const outcomes = await runAppendBatch(client, batch, synchronousCommit);
      for (const [i, o] of outcomes.entries()) {
        if (o.status !== 'ok') continue;
        try {
          const events = o.events();
          for (const hook of hooks) await hook(client, events);
        } catch (cause) {
          throw new HookFailure(i, cause);
        }
      }
      await client.query('COMMIT');
      return outcomes;
    } catch (e) {
      await client.query('ROLLBACK').catch((err: Error) => {
        broken = err;
      });
      throw e;
    } finally {
      client.release(broken);
    }
  }
}
