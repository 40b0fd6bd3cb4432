/**
 * The projections of one database, run together: start/stop, change notifications (for cache
 * invalidation), read-your-writes waits, status and rebuilds. The CLI calls projectionsStatus()
 * and rebuildProjection(); the query services call waitForCheckpoint().
 */
import type { Metrics } from '../../observability/metrics.js';
import { NotFoundError } from '../../shared/errors.js';
import type { EventStore, Subscription } from '../eventStore.js';
import { CheckpointWaiter } from './checkpointWaiter.js';
import { followInline, type InlineInstaller } from './inline.js';
import type { Projection, ProjectionDb } from './projection.js';
import {
  type ChangeListener,
  notifyListeners,
  type ProjectionChange,
  type ProjectionState,
  Projector,
} from './projector.js';
import { type RebuildOptions, type RebuildResult, rebuildProjectionInto } from './rebuild.js';

export interface ProjectionRuntimeOptions<Tx> {
  store: EventStore;
  db: ProjectionDb<Tx>;
  projections: Projection<Tx>[];
  metrics?: Metrics;
  /** Events per live batch; default 500. */
  batchSize?: number;
  /** Restart of a failed projector; see ProjectorOptions.retry. */
  retry?: { initialMs?: number; maxMs?: number } | false;
  /**
   * Projections applied inline (in the append's transaction, see inline.ts) instead of by a
   * subscription: `install` is sqliteInline(store, db) or postgresInline(store, db).
   */
  inline?: { names: string[]; install: InlineInstaller<Tx> };
}

export class ProjectionRuntime<Tx> {
  readonly waiter: CheckpointWaiter;
  private readonly projectors = new Map<string, Projector<Tx>>();
  private readonly inlineNames: Set<string>;
  private readonly listeners = new Set<ChangeListener>();
  private inlineInstalled = false;
  private followers: Subscription[] = [];

  constructor(private readonly o: ProjectionRuntimeOptions<Tx>) {
    this.waiter = new CheckpointWaiter({
      readCheckpoint: async (n) => (await o.db.getCheckpoint(n))?.checkpoint ?? '',
    });
    this.inlineNames = new Set(o.inline?.names ?? []);
    for (const p of o.projections) {
      const projector = new Projector({ ...o, projection: p, waiter: this.waiter });
      projector.onChange((c) => this.emit(c));
      this.projectors.set(p.name, projector);
    }
  }

  get names(): string[] {
    return [...this.projectors.keys()];
  }

  /** Starts every projection; resolves when the subscribed ones have caught up with the head. */
  async start(): Promise<void> {
    await this.startInline();
    await Promise.all(
      [...this.projectors.values()].filter((p) => !this.inlineNames.has(p.name)).map((p) => p.start()),
    );
  }

  /** Stops the subscriptions; inline projections stay applied by the store's hook. */
  async stop(): Promise<void> {
    const followers = this.followers.splice(0);
    await Promise.all([
      ...followers.map((f) => f.stop()),
      ...[...this.projectors.values()].map((p) => p.stop()),
    ]);
  }

  /**
   * Listens to committed batches of every projection: `ids` are the entities each changed.
   * Returns the unsubscribe function.
   */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Read-your-writes; see checkpointWaiter.ts. Resolves false on timeout (never rejects). */
  waitForCheckpoint(projection: string, minCheckpoint: string, timeoutMs = 2000): Promise<boolean> {
    this.get(projection);
    return this.waiter.waitForCheckpoint(projection, minCheckpoint, timeoutMs);
  }

  async status(): Promise<ProjectionState[]> {
    const states = await Promise.all([...this.projectors.values()].map((p) => p.status()));
    for (const s of states) {
      if (this.inlineNames.has(s.name) && this.inlineInstalled && s.status === 'stopped')
        s.status = 'running';
    }
    return states;
  }

  /** Rebuilds one projection (or all, one after the other) through shadow tables. */
  async rebuild(name: string | 'all', options: RebuildOptions = {}): Promise<RebuildResult[]> {
    const targets = name === 'all' ? [...this.projectors.values()] : [this.get(name)];
    const results: RebuildResult[] = [];
    for (const t of targets) {
      const r = await rebuildProjectionInto(this.o.store, this.o.db, t.projection, options);
      this.waiter.advanced(t.name, r.checkpoint);
      results.push(r);
    }
    return results;
  }

  private get(name: string): Projector<Tx> {
    const p = this.projectors.get(name);
    if (!p) throw new NotFoundError('projection', name);
    return p;
  }

  private async startInline(): Promise<void> {
    if (!this.o.inline || this.followers.length > 0) return;
    const first = !this.inlineInstalled;
    this.inlineInstalled = true;
    for (const name of this.inlineNames) {
      const p = this.get(name).projection;
      if (first) this.o.inline.install(p);
      const follower = await followInline(this.o.store, this.o.db, p, (events, checkpoint) => {
        this.waiter.advanced(p.name, checkpoint);
        const ids = p.idsOf?.(events) ?? [];
        if (ids.length > 0) this.emit({ projection: p.name, ids, paymentIds: ids, checkpoint });
      });
      this.followers.push(follower);
      const stored = await this.o.db.getCheckpoint(p.name);
      await this.o.db.setStatus(p.name, 'running', stored?.version || p.version);
    }
  }

  private emit(change: ProjectionChange): void {
    notifyListeners(this.listeners, change);
  }
}

/** For the CLI: one row per projection with status, checkpoint and lag. */
export function projectionsStatus<Tx>(runtime: ProjectionRuntime<Tx>): Promise<ProjectionState[]> {
  return runtime.status();
}

/** For the CLI: rebuild one projection or 'all', reporting progress. */
export function rebuildProjection<Tx>(
  runtime: ProjectionRuntime<Tx>,
  name: string | 'all',
  options: RebuildOptions = {},
): Promise<RebuildResult[]> {
  return runtime.rebuild(name, options);
}
