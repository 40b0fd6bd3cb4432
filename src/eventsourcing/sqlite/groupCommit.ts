/**
 * Group commit for SQLite. Appends are queued; once per event-loop turn (setImmediate) the queue
 * is drained into ONE transaction with a savepoint per append, committed once (one fsync with
 * synchronous=FULL), and only then is every caller resolved. A failing append rolls back its own
 * savepoint and rejects only its caller. If the transaction itself fails (BEGIN cannot get the
 * write lock, COMMIT fails), every caller of the batch is rejected: nothing is acknowledged
 * that is not durable.
 */
import type Database from 'better-sqlite3';
import type { Metrics } from '../../observability/metrics.js';
import { PaystreamError } from '../../shared/errors.js';
import type { AppendResult } from '../eventStore.js';
import type { PreparedAppend } from '../validation.js';
import { applyAppend, type InlineHook } from './applyAppend.js';
import type { Statements } from './statements.js';

interface Pending {
  append: PreparedAppend;
  startedAt: bigint;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  maxBatch: number;
  metrics: Metrics | undefined;
  /** Called after each commit that wrote something (wakes subscriptions). */
  onCommit: () => void;
}

export class GroupCommitWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private batches = 0;
  private readonly hooks: InlineHook[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly s: Statements,
    private readonly o: GroupCommitOptions,
  ) {}

  /** Transactions committed so far. */
  get committedBatches(): number {
    return this.batches;
  }

  addHook(hook: InlineHook): void {
    this.hooks.push(hook);
  }

  enqueue(append: PreparedAppend): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ append, startedAt: process.hrtime.bigint(), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.drain());
      }
    });
  }

  /** Commits everything queued, now (used by close()). */
  flushAll(): void {
    while (this.queue.length > 0) this.commitBatch(this.queue.splice(0, this.o.maxBatch));
  }

  private drain(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    this.commitBatch(this.queue.splice(0, this.o.maxBatch));
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private commitBatch(batch: Pending[]): void {
    let outcomes: Outcome[];
    try {
      outcomes = this.runTransaction(batch);
    } catch (e) {
      const error = new PaystreamError(
        'PAY_STORE_UNAVAILABLE',
        `event store write failed: ${(e as Error).message}`,
        {},
        { cause: e },
      );
      for (const p of batch) p.reject(error);
      return;
    }
    this.batches++;
    this.o.metrics?.groupCommitBatchSize.observe({ store: 'sqlite' }, batch.length);
    let wrote = false;
    batch.forEach((p, i) => {
      const out = outcomes[i]!;
      this.observe(p);
      if (out.ok) {
        wrote ||= out.result.written;
        p.resolve(out.result);
      } else p.reject(out.error);
    });
    if (wrote) this.o.onCommit();
  }

  private runTransaction(batch: Pending[]): Outcome[] {
    const s = this.s;
    s.begin.run();
    try {
      const outcomes = batch.map((p) => this.runOne(p.append));
      s.commit.run();
      return outcomes;
    } catch (e) {
      if (this.db.inTransaction) s.rollback.run();
      throw e;
    }
  }

  private runOne(append: PreparedAppend): Outcome {
    const s = this.s;
    s.savepoint.run();
    try {
      const result = applyAppend(this.db, s, append, this.hooks);
      s.release.run();
      return { ok: true, result };
    } catch (error) {
      // A failure that already ended the transaction (e.g. disk I/O) fails the whole batch.
      if (!this.db.inTransaction) throw error;
      s.rollbackTo.run();
      s.release.run();
      return { ok: false, error };
    }
  }

  private observe(p: Pending): void {
    const m = this.o.metrics;
    if (m) m.appendDuration.observe({ store: 'sqlite' }, Number(process.hrtime.bigint() - p.startedAt) / 1e9);
  }
}
