/**
 * The outbox dispatcher: leases messages, routes each by kind to its handler, and settles the
 * lease with the handler's verdict. Delivery is at least once: a crash after the provider call
 * and before `complete` re-delivers after the lease expires, which handlers absorb through
 * provider idempotency keys and idempotent recording.
 *
 * Woken right after commits (wake(), or `wakeOn` an event store) with a poll fallback, so work
 * written by a request usually starts within a millisecond of its commit.
 */
import type { EventStore, Subscription } from '../eventStore.js';
import type { OutboxMessage, OutboxStore } from './outboxStore.js';

export type HandlerVerdict =
  | { status: 'done' }
  /** Try again later; `retryAfterMs` overrides the dispatcher's backoff. */
  | { status: 'retry'; error: string; retryAfterMs?: number }
  /** Never retry on its own: a person must look (admin / CLI retry). */
  | { status: 'dead'; error: string };

export type OutboxHandler = (message: OutboxMessage) => Promise<HandlerVerdict>;

export interface DispatcherLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DispatcherOptions {
  store: OutboxStore;
  handlers: Record<string, OutboxHandler>;
  owner?: string;
  batchSize?: number;
  /** Messages handled at once by the running loop; a slow one never holds up the rest. */
  concurrency?: number;
  /** Long enough to cover one handler run including its in-process retries. */
  leaseMs?: number;
  pollIntervalMs?: number;
  /** After this many attempts a message that still asks for a retry becomes a dead letter. */
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Wake on commits of this store (of events of `wakeOnTypes`, when given: the ones that ask for work). */
  wakeOn?: EventStore;
  wakeOnTypes?: string[];
  logger?: DispatcherLogger;
  random?: () => number;
}

/** "Equal jitter": uniform in [c/2, c] with c = min(max, base·2^(attempt-1)), so retries of many rows spread out but never fire at once. */
export function backoffDelay(attempt: number, base: number, max: number, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export class OutboxDispatcher {
  readonly owner: string;
  private readonly o: Required<Omit<DispatcherOptions, 'wakeOn' | 'wakeOnTypes' | 'logger' | 'owner'>> &
    Pick<DispatcherOptions, 'wakeOn' | 'wakeOnTypes' | 'logger'>;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private subscription: Subscription | null = null;

  constructor(options: DispatcherOptions) {
    this.owner = options.owner ?? `dispatcher-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.o = {
      batchSize: 16,
      concurrency: 32,
      leaseMs: 60_000,
      pollIntervalMs: 100,
      maxAttempts: 8,
      backoff: { baseMs: 1_000, maxMs: 5 * 60_000 },
      random: Math.random,
      ...options,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.o.wakeOn) {
      const head = await this.o.wakeOn.head();
      this.subscription = this.o.wakeOn.subscribe({
        after: head.checkpoint,
        ...(this.o.wakeOnTypes ? { types: this.o.wakeOnTypes } : {}),
        handler: () => this.wake(),
      });
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.subscription?.stop().catch(() => {});
    this.subscription = null;
    await this.loop;
    this.loop = null;
  }

  /** Ask for a lease round now (e.g. right after a commit that wrote outbox rows). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** One lease round: returns how many messages were handled. */
  async runOnce(): Promise<number> {
    const batch = await this.o.store.lease(this.owner, this.o.batchSize, this.o.leaseMs);
    await Promise.all(batch.map((m) => this.handle(m)));
    return batch.length;
  }

  /**
   * Runs rounds until no message is pending or leased (all done or dead), waiting out retry
   * times. For tests, the CLI and shutdown; the running loop is not needed.
   */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.runOnce()) > 0) continue;
      const s = await this.o.store.stats();
      if (s.pending + s.leased === 0) return;
      if (Date.now() > deadline)
        throw new Error(`outbox not drained: ${s.pending} pending, ${s.leased} leased`);
      await this.idle(Math.min(this.o.pollIntervalMs, 50));
    }
  }

  /**
   * Leases whenever there is room, without waiting for the messages in flight: each completion
   * wakes the loop, so a new message starts as soon as a slot frees or a commit asks for work.
   */
  private async run(): Promise<void> {
    while (this.running) {
      const room = this.o.concurrency - this.inFlight.size;
      let leased = 0;
      if (room > 0) {
        try {
          const batch = await this.o.store.lease(
            this.owner,
            Math.min(room, this.o.batchSize),
            this.o.leaseMs,
          );
          leased = batch.length;
          for (const m of batch) this.track(m);
        } catch (e) {
          this.o.logger?.error({ err: errorText(e) }, 'outbox lease round failed');
        }
      }
      if (leased === 0 || leased === room) await this.idle(this.o.pollIntervalMs);
    }
    await Promise.all([...this.inFlight]);
  }

  private track(m: OutboxMessage): void {
    const p: Promise<void> = this.handle(m)
      .catch((e) => this.o.logger?.error({ outboxId: m.id, err: errorText(e) }, 'outbox message not settled'))
      .finally(() => {
        this.inFlight.delete(p);
        this.wake();
      });
    this.inFlight.add(p);
  }

  /** Resolves on wake() or after `ms`, whichever comes first. */
  private idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wakeUp = null;
        self.woken = false;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async handle(m: OutboxMessage): Promise<void> {
    const verdict = await this.verdictFor(m);
    const { store } = this.o;
    if (verdict.status === 'done') {
      if (!(await store.complete(m.id, this.owner))) this.lostLease(m);
      return;
    }
    const dead = verdict.status === 'dead' || m.attempts >= this.o.maxAttempts;
    const error =
      dead && verdict.status === 'retry'
        ? `gave up after ${m.attempts} attempts: ${verdict.error}`
        : verdict.error;
    const retryAt = new Date(
      Date.now() +
        (verdict.status === 'retry' && verdict.retryAfterMs !== undefined
          ? verdict.retryAfterMs
          : backoffDelay(m.attempts, this.o.backoff.baseMs, this.o.backoff.maxMs, this.o.random)),
    );
    const ok = await store.fail(m.id, this.owner, error, dead ? { dead: true } : { retryAt });
    if (!ok) this.lostLease(m);
    else if (dead)
      this.o.logger?.warn({ outboxId: m.id, kind: m.kind, error }, 'outbox message dead-lettered');
  }

  private async verdictFor(m: OutboxMessage): Promise<HandlerVerdict> {
    const handler = this.o.handlers[m.kind];
    // A kind nobody handles is a deployment bug: retrying cannot fix it.
    if (!handler) return { status: 'dead', error: `no handler for kind ${m.kind}` };
    try {
      return await handler(m);
    } catch (e) {
      return { status: 'retry', error: errorText(e) };
    }
  }

  private lostLease(m: OutboxMessage): void {
    this.o.logger?.warn({ outboxId: m.id, kind: m.kind }, 'outbox lease lost before settling');
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
