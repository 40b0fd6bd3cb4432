/**
 * The event store on one SQLite file (better-sqlite3, WAL mode), with group commit: concurrent
 * appends share one transaction and one fsync (see groupCommit.ts).
 *
 * Durability: `synchronous` defaults to 'full', so an acknowledged append survives power loss.
 * 'normal' (WAL) may lose the last commits on power loss (never on a process crash) and 'off'
 * trusts the OS entirely; choosing either is an explicit, per-deployment decision.
 *
 * Other modules (projections, auth, inbox) share the file: they run `migrateSqlite(store.db, …)`
 * with their own sets and may use `store.db` directly. `registerInlineHook` runs code inside each
 * append's savepoint (inline projections). Subscriptions wake right after each local commit and
 * poll every `pollIntervalMs` for writes made by other processes on the same file.
 * better-sqlite3 is synchronous: while another process holds the write lock, a batch waits up
 * to `busyTimeoutMs` on the event loop, then fails with PAY_STORE_UNAVAILABLE (nothing written).
 */
import Database from 'better-sqlite3';
import type { Metrics } from '../../observability/metrics.js';
import { PaystreamError } from '../../shared/errors.js';
import {
  type AppendOptions,
  type AppendResult,
  checkpointOf,
  type EventStore,
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
import { ChangeNotifier, startSubscription } from '../subscription.js';
import {
  prepareAppend,
  prepareSnapshot,
  validateReadAll,
  validateReadStream,
  validateStreamId,
} from '../validation.js';
import type { InlineHook } from './applyAppend.js';
import { GroupCommitWriter } from './groupCommit.js';
import { migrateSqlite, SQLITE_EVENTSTORE_MIGRATIONS } from './migrate.js';
import {
  prepareStatements,
  rawToRecordedEvent,
  type Statements,
  toIdempotencyRecord,
  toRecordedEvent,
  toSnapshot,
} from './statements.js';

export type { InlineHook } from './applyAppend.js';

export interface SqliteEventStoreOptions {
  path: string;
  /** Default 'full'; see the class comment before relaxing it. */
  synchronous?: 'full' | 'normal' | 'off';
  /** Poll period for writes from other processes; default 250 ms. */
  pollIntervalMs?: number;
  /** Most appends per group-commit transaction; default 1000. */
  maxBatch?: number;
  /** How long to wait for another process's write lock; default 5000 ms. */
  busyTimeoutMs?: number;
  metrics?: Metrics;
}

const SYNCHRONOUS = ['full', 'normal', 'off'];

export class SqliteEventStore implements EventStore, IdempotencyStore, SnapshotStore {
  /** The connection, for other modules' migrations and tables on the same file. */
  readonly db: Database.Database;
  private readonly s: Statements;
  private readonly writer: GroupCommitWriter;
  private readonly notifier = new ChangeNotifier();
  private readonly subscriptions = new Set<Subscription>();
  private readonly pollIntervalMs: number;
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    const synchronous = options.synchronous ?? 'full';
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!SYNCHRONOUS.includes(synchronous) || !Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new PaystreamError(
        'PAY_CONFIG_INVALID',
        'SqliteEventStore: invalid synchronous or busyTimeoutMs option',
      );
    }
    this.db = new Database(options.path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      this.db.pragma('foreign_keys = ON');
      // Each append's savepoint keeps a sub-journal of the pages it changes; in a temp file that
      // was ~40 µs of system CPU per append with side rows. Temp data is never part of durability.
      this.db.pragma('temp_store = MEMORY');
      migrateSqlite(this.db, [SQLITE_EVENTSTORE_MIGRATIONS]);
      this.s = prepareStatements(this.db);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.writer = new GroupCommitWriter(this.db, this.s, {
      maxBatch: options.maxBatch ?? 1000,
      metrics: options.metrics,
      onCommit: () => this.notifier.notify(),
    });
  }

  /** Group-commit transactions committed by this instance. */
  get committedBatches(): number {
    return this.writer.committedBatches;
  }

  /** Runs `hook` inside every later append's savepoint, after its events are inserted. */
  registerInlineHook(hook: InlineHook): void {
    this.writer.addHook(hook);
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    return this.writer.enqueue(prepareAppend(streamId, events, options));
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    validateStreamId(streamId);
    const o = validateReadStream(options);
    const rows =
      o.direction === 'forward'
        ? this.s.readForward.all(streamId, o.from ?? 1, o.limit)
        : this.s.readBackward.all(streamId, o.from ?? Number.MAX_SAFE_INTEGER, o.limit);
    return rows.map(toRecordedEvent);
  }

  async streamVersion(streamId: string): Promise<number> {
    this.assertOpen();
    validateStreamId(streamId);
    return this.s.streamVersion.get(streamId) ?? 0;
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const o = validateReadAll(options);
    const rows = this.s.readAll.all({
      after: o.afterPosition,
      limit: o.limit,
      types: o.types ? JSON.stringify(o.types) : null,
      prefix: o.streamPrefix ?? null,
      // substr counts code points; JS length counts UTF-16 units.
      prefixLength: o.streamPrefix ? [...o.streamPrefix].length : 0,
    });
    const out = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = rawToRecordedEvent(rows[i]!);
    return out;
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const source = {
      readAll: (o: ReadAllOptions) => this.readAll(o),
      notifier: this.notifier,
      pollIntervalMs: this.pollIntervalMs,
    };
    const sub = startSubscription(source, options);
    this.subscriptions.add(sub);
    const forget = () => this.subscriptions.delete(sub);
    void sub.done.then(forget, forget);
    return sub;
  }

  async head(): Promise<StoreHead> {
    this.assertOpen();
    const position = this.s.head.get() ?? 0;
    return { checkpoint: position === 0 ? '' : checkpointOf(position), globalPosition: position };
  }

  /** Commits every queued append, stops subscriptions, then closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.writer.flushAll();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.db.close();
  }

  async getIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    this.assertOpen();
    const row = this.s.getIdempotency.get(key);
    return row ? toIdempotencyRecord(row) : undefined;
  }

  async pruneIdempotency(before: Date): Promise<number> {
    this.assertOpen();
    return this.s.pruneIdempotency.run(before.getTime()).changes;
  }

  async loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    this.assertOpen();
    validateStreamId(streamId);
    const row = this.s.getSnapshot.get(streamId);
    return row ? toSnapshot(row) : undefined;
  }

  /** Keeps the stored snapshot when it is newer and of the same schemaVersion. */
  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.assertOpen();
    const p = prepareSnapshot(snapshot);
    this.s.upsertSnapshot.run({
      streamId: p.streamId,
      version: p.version,
      schemaVersion: p.schemaVersion,
      state: p.stateJson,
      takenAt: p.takenAt.getTime(),
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new PaystreamError('PAY_STORE_UNAVAILABLE', 'event store is closed');
  }
}
