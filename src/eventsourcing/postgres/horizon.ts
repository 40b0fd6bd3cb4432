/**
 * Read-your-writes for gap-safe reads. readAll/head only see transactions below the snapshot
 * xmin, which is cluster-wide: any older transaction still open anywhere (another database
 * included) holds back events this process has already acknowledged. Before a caller's readAll
 * or head, wait (bounded) until the horizon has passed this store's last commit, so "append,
 * then readAll" sees the append. Subscriptions do not wait: they poll and catch up anyway.
 */
import type pg from 'pg';

const HORIZON = 'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin';

export class OwnWritesHorizon {
  private lastCommitted = 0n;
  private passed = 0n;

  constructor(private readonly timeoutMs: number) {}

  /** Records the transaction id of a batch this store committed. */
  noteCommit(xid: bigint): void {
    if (xid > this.lastCommitted) this.lastCommitted = xid;
  }

  /** Resolves once the horizon is past the last commit, or after the timeout (reads then lag). */
  async wait(pool: pg.Pool): Promise<void> {
    const target = this.lastCommitted;
    if (this.passed > target) return;
    const deadline = Date.now() + this.timeoutMs;
    for (let delay = 1; ; delay = Math.min(delay * 2, 25)) {
      const res = await pool.query<{ xmin: string }>(HORIZON);
      const xmin = BigInt(res.rows[0]!.xmin);
      if (xmin > this.passed) this.passed = xmin;
      if (xmin > target || Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
