/**
 * A subscription runner shared by the adapters: catch up through readAll pages, then wait for a
 * change signal (an in-process wake-up after each commit, or a poll timer) and read again.
 * Delivery is in checkpoint order, each event once per subscription.
 */
import { ValidationError } from '../shared/errors.js';
import type { ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from './eventStore.js';

/** Signals that new events may be readable. */
export class ChangeNotifier {
  private generation = 0;
  private waiters = new Set<() => void>();

  get current(): number {
    return this.generation;
  }

  notify(): void {
    this.generation++;
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  /**
   * Resolves when the generation moves past `seen` or after `timeoutMs`; `onWaker` receives a
   * function that ends the wait early (used by stop()).
   */
  wait(seen: number, timeoutMs: number | undefined, onWaker: (wake: () => void) => void): Promise<void> {
    if (this.generation !== seen) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
      onWaker(done);
    });
  }
}

export interface SubscriptionSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  notifier: ChangeNotifier;
  /** Poll period for writes this process cannot see happen; undefined = wake-ups only. */
  pollIntervalMs?: number;
}

const DEFAULT_BATCH = 500;

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Marked handled: a caller that never awaits must not crash the process; awaiting still rejects.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

class RunningSubscription implements Subscription {
  checkpoint: string;
  private readonly caught = deferred();
  private readonly finished = deferred();
  private wake: (() => void) | undefined;
  private stopped = false;
  private inHandler = false;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly o: SubscribeOptions,
  ) {
    this.checkpoint = o.after ?? '';
    void this.run().then(this.finished.resolve, (e) => {
      this.caught.reject(e);
      this.finished.reject(e);
    });
  }

  get caughtUp(): Promise<void> {
    return this.caught.promise;
  }
  get done(): Promise<void> {
    return this.finished.promise;
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    // Called from inside a handler: the loop ends when the handler returns; waiting would deadlock.
    if (this.inHandler) return Promise.resolve();
    return this.finished.promise.catch(() => {});
  }

  private async run(): Promise<void> {
    const limit = this.o.batchSize ?? DEFAULT_BATCH;
    let atHead = false;
    while (!this.stopped) {
      const seen = this.source.notifier.current;
      const batch = await this.source.readAll({
        after: this.checkpoint,
        limit,
        types: this.o.types,
        streamPrefix: this.o.streamPrefix,
      });
      if (this.stopped) return;
      if (batch.length > 0) {
        atHead = false;
        await this.deliver(batch);
        if (batch.length === limit) continue;
      }
      if (!atHead) {
        atHead = true;
        this.caught.resolve();
        this.o.onCaughtUp?.(this.checkpoint);
      }
      if (this.stopped) return;
      await this.source.notifier.wait(seen, this.source.pollIntervalMs, (w) => {
        this.wake = w;
      });
      this.wake = undefined;
    }
  }

  private async deliver(batch: RecordedEvent[]): Promise<void> {
    this.inHandler = true;
    try {
      if (this.o.batchHandler) {
        await this.o.batchHandler(batch);
        this.checkpoint = batch[batch.length - 1]!.checkpoint;
        return;
      }
      for (const e of batch) {
        if (this.stopped) return;
        await this.o.handler!(e);
        this.checkpoint = e.checkpoint;
      }
    } finally {
      this.inHandler = false;
    }
  }
}

/** Starts a subscription; throws ValidationError unless exactly one handler is given. */
export function startSubscription(source: SubscriptionSource, options: SubscribeOptions): Subscription {
  if (!options || typeof options !== 'object' || !options.handler === !options.batchHandler) {
    throw new ValidationError('subscribe needs exactly one of handler or batchHandler', { field: 'handler' });
  }
  if (
    options.batchSize !== undefined &&
    (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1)
  ) {
    throw new ValidationError('batchSize must be a positive integer', { field: 'batchSize' });
  }
  return new RunningSubscription(source, options);
}
