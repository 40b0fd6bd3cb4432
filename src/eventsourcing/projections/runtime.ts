/**
 * The projections of one database, run together: start/stop, change notifications (for cache
 * invalidation), read-your-writes waits, status and rebuilds. The CLI calls projectionsStatus()
 * and rebuildProjection(); the query services call waitForCheckpoint().
 */
import type { Metrics } from '../../observability/metrics.js';
import type { EventStore } from '../eventStore.js';
import { CheckpointWaiter } from './checkpointWaiter.js';
import type { BatchResult, Projection, ProjectionDb } from './projection.js';
import {
  type ChangeListener,
  notifyListeners,
  type ProjectionChange,
  type ProjectionState,
  Projector,
} from './projector.js';
import { type RebuildOptions, type RebuildResult, rebuildProjectionInto } from './rebuild.js';

/**
 * Installs a projection as an inline hook of the store: applied in the append's own transaction.
 * `committed` must be called after the append committed (it drives waits and change listeners).
 */
export type InlineInstaller<Tx> = (p: Projection<Tx>, committed: (r: BatchResult) => void) => void;

export interface ProjectionRuntimeOptions<Tx> {
  store: EventStore;
  db: ProjectionDb<Tx>;
  projections: Projection<Tx>[];
  metrics?: Metrics;
  /** Events per live batch; default 500. */
  batchSize?: number;
  /** Projections applied inline (same transaction as the append) instead of by a subscription. */
  inline?: { names: string[]; install: InlineInstaller<Tx> };
}

export class ProjectionRuntime<Tx> {
  readonly waiter: CheckpointWaiter;
  private readonly projectors = new Map<string, Projector<Tx>>();
  private readonly inlineNames: Set<string>;
  private readonly listeners = new Set<ChangeListener>();
  private inlineInstalled = false;

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
    this.installInline();
    await Promise.all(
      [...this.projectors.values()].filter((p) => !this.inlineNames.has(p.name)).map((p) => p.start()),
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.projectors.values()].map((p) => p.stop()));
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
    if (!p) throw new Error(`unknown projection ${name}; known: ${this.names.join(', ')}`);
    return p;
  }

  private installInline(): void {
    if (this.inlineInstalled || !this.o.inline) return;
    this.inlineInstalled = true;
    for (const name of this.inlineNames) {
      const p = this.get(name).projection;
      this.o.inline.install(p, (r) => {
        this.waiter.advanced(p.name, r.checkpoint);
        if (r.ids.length > 0)
          this.emit({ projection: p.name, ids: r.ids, paymentIds: r.ids, checkpoint: r.checkpoint });
      });
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
