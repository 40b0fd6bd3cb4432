/**
 * Read-your-writes: waitForCheckpoint(projection, minCheckpoint, timeoutMs) resolves once the
 * projection's committed checkpoint is >= minCheckpoint (plain string comparison).
 *
 * It is event-driven: the projector (or the inline hook, after its append commits) calls
 * `advanced()` after each committed batch, which settles the waiters it satisfies. While waiters
 * exist, the stored checkpoint is also polled (10 ms, doubling to 100 ms), so a projection run by
 * another process — the worker, seen from an API-only instance — is noticed within a poll, not
 * at the deadline. It never throws on timeout: it resolves `false`, and the
 * query then serves what the read model has (possibly stale) — callers that must know compare the
 * view's version themselves.
 */

export interface CheckpointSource {
  /** The committed checkpoint of a projection ('' when none). */
  readCheckpoint(projection: string): Promise<string>;
}

const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 100;

interface Waiter {
  min: string;
  resolve: (reached: boolean) => void;
}

export class CheckpointWaiter {
  private readonly latest = new Map<string, string>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly polling = new Set<string>();

  constructor(private readonly source: CheckpointSource) {}

  /** Called after a batch commits: settles the waiters it satisfies. */
  advanced(projection: string, checkpoint: string): void {
    if (checkpoint <= (this.latest.get(projection) ?? '')) return;
    this.latest.set(projection, checkpoint);
    const set = this.waiters.get(projection);
    if (!set) return;
    for (const w of set) {
      if (checkpoint >= w.min) {
        set.delete(w);
        w.resolve(true);
      }
    }
  }

  /** Resolves true when reached, false when `timeoutMs` passed first. */
  async waitForCheckpoint(projection: string, minCheckpoint: string, timeoutMs = 2000): Promise<boolean> {
    if (!minCheckpoint || (this.latest.get(projection) ?? '') >= minCheckpoint) return true;
    const pending = this.register(projection, minCheckpoint, timeoutMs);
    const stored = await this.source.readCheckpoint(projection);
    this.advanced(projection, stored);
    this.poll(projection);
    return pending;
  }

  /** One polling loop per projection, alive while it has waiters. */
  private poll(projection: string): void {
    if (this.polling.has(projection)) return;
    this.polling.add(projection);
    let delayMs = POLL_FIRST_MS;
    const tick = async () => {
      if ((this.waiters.get(projection)?.size ?? 0) === 0) {
        this.polling.delete(projection);
        return;
      }
      try {
        this.advanced(projection, await this.source.readCheckpoint(projection));
      } catch {
        // A failed read is retried at the next tick; the deadline still bounds the wait.
      }
      delayMs = Math.min(delayMs * 2, POLL_MAX_MS);
      setTimeout(tick, delayMs).unref();
    };
    setTimeout(tick, delayMs).unref();
  }

  private register(projection: string, min: string, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let set = this.waiters.get(projection);
      if (!set) {
        set = new Set();
        this.waiters.set(projection, set);
      }
      const registered = set;
      const timer = setTimeout(() => {
        if (!registered.delete(waiter)) return;
        // One last look: another process may have advanced the checkpoint without telling us.
        this.source.readCheckpoint(projection).then(
          (cp) => resolve(cp >= min),
          () => resolve(false),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        min,
        resolve: (reached) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      registered.add(waiter);
    });
  }
}
