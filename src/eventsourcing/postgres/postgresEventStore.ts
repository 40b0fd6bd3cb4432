/**
 * The PostgreSQL event store (EventStore, IdempotencyStore, SnapshotStore); passes
 * testing/eventStoreContract.ts. `await PostgresEventStore.create({ pool | connectionString })`
 * runs the migrations first (migrate.ts).
 *
 * Group commit, and why this design. Concurrent appends queue up; a drain per event-loop turn
 * packs them into batches of independent appends (groupCommit.ts), up to `maxInFlight` (2)
 * batches at a time, and each batch is ONE statement (sql/append_batch.sql: arrays via unnest;
 * `key = ANY(array)` lookups; existing streams advanced with `UPDATE … WHERE version = expected`,
 * new ones inserted `ON CONFLICT DO NOTHING`; then the events, idempotency records and outbox rows
 * of the appends that passed), one round trip and one commit. Each append's checks are evaluated
 * on its own rows, so one that fails writes nothing while the others commit — the isolation a
 * savepoint per append gives, without a subtransaction per append. The alternative, a PL/pgSQL
 * loop with a BEGIN…EXCEPTION block per append, costs several statements of executor work per
 * append and one subtransaction each (past 64 per transaction the backend's subxid cache
 * overflows, which slows snapshots cluster-wide). Measured server CPU of the statement: ~50 µs
 * per append at batches of 64, ~20 µs at 256, against ~100-150 µs for a one-INSERT transaction.
 * Throughput, bench/store-postgres.ts on this shared 2-core machine (load ≈ 10, a WAL fsync
 * ≈ 5-9 ms, ~100 of them per second cluster-wide): medians of 1.0-1.6x the one-INSERT-per-
 * transaction ceiling at concurrency 64 (≈ 4,000-7,800 appends/s), 0.5-0.8x at 16, ≈ 1x at 1.
 * Batches then spend ~70% of their active time waiting on WALWrite/WALSync: a closed loop of c
 * durable callers cannot exceed c / fsync-latency whatever the design, and the ceiling already
 * shares flushes through PostgreSQL's WAL group flush. The gain is in CPU (and connections: two
 * instead of one per caller), which shows where fsync is fast and the server is CPU-bound.
 * Batches in flight, same bench at 64 (ratio to the ceiling): 1 → 0.7-0.9x, 2 → 1.2-1.5x,
 * 4 → 1.0-1.1x, 8 → 0.9x: each extra batch adds a commit waiting on the flush in progress.
 *
 * Durability: synchronous_commit stays on. `synchronousCommit: 'off'` relaxes it for the batch
 * transactions only (a server crash may lose the last few hundred ms of acknowledged appends,
 * never corrupt or reorder them); use it only where that loss is acceptable.
 *
 * Inline hooks (registerInlineHook) run inside the batch transaction for each successful append,
 * on the batch's connection (with hooks a batch costs BEGIN, statement, hooks, COMMIT). If a hook
 * throws, the batch is rolled back, that append fails with the hook's error and the others are
 * retried in a new transaction: nothing commits without its hooks.
 *
 * Global order is gap-safe (reads.ts); checkpoints are `${pad(xid)}:${pad(global_position)}`.
 * readAll and head wait (bounded) until this store's own acknowledged appends are readable
 * (horizon.ts). After commits the store NOTIFYs `paystream_events`, coalesced, from its own
 * short transaction rather than the batch's: NOTIFY holds a cluster-wide lock from pre-commit
 * until the commit is flushed, which serialised the batches' commits (measured: about half the
 * throughput). Subscriptions LISTEN on a dedicated connection and poll every 200 ms, because the
 * gap-safe horizon can advance without any notification.
 */
import pg from 'pg';
import type { Metrics } from '../../observability/metrics.js';
import { ConcurrencyError, PaystreamError, ValidationError } from '../../shared/errors.js';
import { checkExpectedVersion, matchExistingEvents } from '../appendRules.js';
import {
  type AppendOptions,
  type AppendResult,
  type EventStore,
  IdempotencyKeyExistsError,
  type IdempotencyRecord,
  type IdempotencyStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Snapshot,
  type SnapshotStore,
  type StoreHead,
  type SubscribeOptions,
  type Subscription,
} from '../eventStore.js';
import type { MigrationSet } from '../migrations.js';
import { ChangeNotifier, startSubscription } from '../subscription.js';
import { type PreparedAppend, prepareAppend, prepareSnapshot, validateStreamId } from '../validation.js';
import { type AppendOutcome, writtenResult } from './appendBatch.js';
import { GroupCommitWriter, type InlineHook } from './groupCommit.js';
import { OwnWritesHorizon } from './horizon.js';
import { PgListener, PgNotifySender } from './listener.js';
import { eventStoreMigrations, migratePostgres } from './migrate.js';
import { readAllEvents, readHead, readStreamEvents, readStreamVersion } from './reads.js';
import { assertJsonbSafe } from './rows.js';
import {
  emptyAppend,
  findEvents,
  getIdempotency,
  loadSnapshotRow,
  replayResult,
  saveSnapshotRow,
} from './sideRows.js';

export type { InlineHook } from './groupCommit.js';

export interface PostgresEventStoreOptions {
  /** A pool to use (not ended by close()), or a connection string for a pool of the store's own. */
  pool?: pg.Pool;
  connectionString?: string;
  /** Size of the store's own pool; default 10. */
  poolSize?: number;
  metrics?: Metrics;
  /** Default 'on' (durable). See the class comment before turning it off. */
  synchronousCommit?: 'on' | 'off';
  /** Batches in flight at once; default 2 (measured better than 4 and 8 here: see the class comment). */
  maxInFlight?: number;
  /** Appends per batch; default 500. */
  maxBatch?: number;
  /** Subscription poll period in ms; default 200. */
  pollIntervalMs?: number;
  /** How long readAll/head wait for this store's own last commit to become readable; default 2000. */
  readYourWritesTimeoutMs?: number;
  /** Extra migration sets run with the store's own; default none. Set `migrate: false` to skip all. */
  migrations?: MigrationSet[];
  migrate?: boolean;
}

export const NOTIFY_CHANNEL = 'paystream_events';
const MAX_ROUNDS = 20;

export class PostgresEventStore implements EventStore, IdempotencyStore, SnapshotStore {
  readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly hooks: InlineHook[] = [];
  private readonly writer: GroupCommitWriter;
  private readonly notifier = new ChangeNotifier();
  private readonly listener: PgListener;
  private readonly notifySender: PgNotifySender;
  private readonly horizon: OwnWritesHorizon;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  private constructor(private readonly o: PostgresEventStoreOptions) {
    if (!o.pool && !o.connectionString) throw new ValidationError('pool or connectionString is required');
    this.ownsPool = !o.pool;
    this.pool = o.pool ?? new pg.Pool({ connectionString: o.connectionString, max: o.poolSize ?? 10 });
    // An idle connection the server closes must not crash the process; the pool replaces it.
    if (this.ownsPool) this.pool.on('error', () => {});
    this.writer = new GroupCommitWriter({
      pool: this.pool,
      hooks: this.hooks,
      synchronousCommit: o.synchronousCommit ?? 'on',
      maxInFlight: o.maxInFlight ?? 2,
      maxBatch: o.maxBatch ?? 500,
      onBatch: (n) => o.metrics?.groupCommitBatchSize.observe({ store: 'postgres' }, n),
    });
    this.listener = new PgListener(this.pool, NOTIFY_CHANNEL, this.notifier);
    this.notifySender = new PgNotifySender(this.pool, NOTIFY_CHANNEL);
    this.horizon = new OwnWritesHorizon(o.readYourWritesTimeoutMs ?? 2000);
  }

  static async create(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      if (options.migrate !== false) {
        await migratePostgres(store.pool, [eventStoreMigrations, ...(options.migrations ?? [])]);
      }
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  /** Runs `hook` in the batch transaction for every successful append (inline projections). */
  registerInlineHook(hook: InlineHook): void {
    this.hooks.push(hook);
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const started = performance.now();
    try {
      this.assertOpen();
      const p = prepareAppend(streamId, events, options);
      assertJsonbSafe(p);
      if (p.events.length === 0) return await emptyAppend(this.pool, p);
      return await this.appendPrepared(p);
    } finally {
      this.o.metrics?.appendDuration.observe({ store: 'postgres' }, (performance.now() - started) / 1000);
    }
  }

  private async appendPrepared(p: PreparedAppend): Promise<AppendResult> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const outcome = await this.writer.enqueue(p);
      if (outcome.status === 'ok') {
        this.notifier.notify();
        this.notifySender.poke();
        this.horizon.noteCommit(outcome.xid);
        return writtenResult(p, outcome);
      }
      if (outcome.status === 'conflict') {
        // 'any' loses only a race to create the stream; it goes again and appends after it.
        if (p.expectedVersion === 'any') continue;
        throw new ConcurrencyError(p.streamId, p.expectedVersion, await this.actualVersion(p, outcome));
      }
      const settled = await this.settleBlocked(p);
      if (settled) return settled;
    }
    throw new PaystreamError('PAY_STORE_UNAVAILABLE', `append to ${p.streamId} did not settle`);
  }

  /** The version seen by the statement, unless a concurrent writer made it look acceptable. */
  private async actualVersion(p: PreparedAppend, outcome: AppendOutcome): Promise<number> {
    const seen = outcome.seenVersion ?? 0;
    try {
      checkExpectedVersion(p.streamId, p.expectedVersion, seen);
    } catch {
      return seen;
    }
    return readStreamVersion(this.pool, p.streamId);
  }

  /** Blocked: its idempotency key or one of its event ids is stored. Same order as the other adapters. */
  private async settleBlocked(p: PreparedAppend): Promise<AppendResult | undefined> {
    if (p.idempotency) {
      const existing = await getIdempotency(this.pool, p.idempotency.key);
      if (existing) throw new IdempotencyKeyExistsError(existing);
    }
    const found = await findEvents(
      this.pool,
      p.events.map((e) => e.id),
    );
    const replay = matchExistingEvents(p.streamId, p.expectedVersion, p.events, found);
    return replay ? replayResult(this.pool, p, replay) : undefined;
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return readStreamEvents(this.pool, streamId, options);
  }

  streamVersion(streamId: string): Promise<number> {
    return readStreamVersion(this.pool, streamId);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    await this.horizon.wait(this.pool);
    return readAllEvents(this.pool, options);
  }

  async head(): Promise<StoreHead> {
    await this.horizon.wait(this.pool);
    return readHead(this.pool);
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    void this.listener.ensure();
    const source = {
      readAll: (o: ReadAllOptions) => {
        void this.listener.ensure();
        return readAllEvents(this.pool, o);
      },
      notifier: this.notifier,
      pollIntervalMs: this.o.pollIntervalMs ?? 200,
    };
    const sub = startSubscription(source, options);
    this.subscriptions.add(sub);
    const forget = () => this.subscriptions.delete(sub);
    void sub.done.then(forget, forget);
    return sub;
  }

  getIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    return getIdempotency(this.pool, key);
  }

  async pruneIdempotency(before: Date): Promise<number> {
    const res = await this.pool.query('DELETE FROM idempotency_keys WHERE created_at < $1', [before]);
    return res.rowCount ?? 0;
  }

  loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    validateStreamId(streamId);
    return loadSnapshotRow(this.pool, streamId);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await saveSnapshotRow(this.pool, prepareSnapshot(snapshot));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.flush();
    await this.notifySender.idle();
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.listener.close();
    if (this.ownsPool) await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new PaystreamError('PAY_STORE_UNAVAILABLE', 'event store is closed');
  }
}
