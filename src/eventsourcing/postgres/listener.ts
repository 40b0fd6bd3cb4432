/**
 * LISTEN on a dedicated connection: every batch transaction NOTIFYs `channel`, so subscribers in
 * any process wake up. It is only a hint — the xmin horizon can advance without a notification
 * (another transaction ending), so subscriptions also poll; a lost connection is re-opened on
 * the next subscribe or poll tick and costs only latency.
 */
import type pg from 'pg';
import type { ChangeNotifier } from '../subscription.js';

export class PgListener {
  private client: pg.PoolClient | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly notifier: ChangeNotifier,
  ) {}

  /** Starts listening unless already; errors leave the poll fallback in charge. */
  ensure(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      client.on('notification', (m) => {
        if (m.channel === this.channel) this.notifier.notify();
      });
      client.on('error', () => this.drop(client!, true));
      await client.query(`LISTEN ${this.channel}`);
      if (this.closed) return this.drop(client, false);
      this.client = client;
      // Events committed while we were not listening: let subscribers read once more.
      this.notifier.notify();
    } catch {
      if (client) this.drop(client, true);
    }
  }

  private drop(client: pg.PoolClient, broken: boolean): void {
    if (this.client === client) this.client = undefined;
    client.removeAllListeners('notification');
    try {
      client.release(broken ? new Error('listener connection lost') : undefined);
    } catch {
      // released already
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    const ok = await client.query(`UNLISTEN ${this.channel}`).then(
      () => true,
      () => false,
    );
    this.drop(client, !ok);
  }
}

/**
 * Sends NOTIFY after batches commit, coalesced: at most one notification transaction in flight,
 * and one more for every burst of commits that happened meanwhile. Not inside the batch
 * transaction: NOTIFY holds a cluster-wide lock from pre-commit until after the commit record is
 * flushed, so notifying batches could not share a WAL flush (measured: roughly half the
 * throughput with several batches in flight). Subscribers read from their own checkpoint, so a
 * notification that arrives after the commit it announces is all they need.
 */
const NOTIFY_INTERVAL_MS = 5;

export class PgNotifySender {
  private current: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
  ) {}

  poke(): void {
    this.dirty = true;
    this.current ??= this.run().finally(() => {
      this.current = undefined;
    });
  }

  private async run(): Promise<void> {
    let last = 0;
    while (this.dirty) {
      // At most one notification per interval: under load one per batch would cost a
      // transaction per batch; a subscriber loses at most that interval of latency.
      const wait = last + NOTIFY_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      last = Date.now();
      this.dirty = false;
      // Nothing to make durable: the notification only has to follow the commits it announces.
      await this.pool
        .query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')`, [this.channel])
        .catch(() => {}); // subscribers also poll
    }
  }

  /** Resolves when no notification is in flight. */
  idle(): Promise<void> {
    return this.current ?? Promise.resolve();
  }
}
