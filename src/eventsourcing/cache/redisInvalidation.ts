/**
 * The subscriber side of cross-instance invalidation: one dedicated ioredis connection
 * subscribed to `${prefix}invalidate`. Publishing happens in the same Lua script that deletes
 * the keys (see redisScripts.ts), so a delete and its announcement cannot be split by a crash.
 *
 * `live` is true only while the subscription is confirmed. A near-cache may serve only while it
 * is live: a missed message would leave a stale entry, so every drop of the connection reports
 * `onDown` (the owner clears its near-cache) and every resubscription starts from empty.
 */
import { Redis, type RedisOptions } from 'ioredis';

export interface InvalidationMessage {
  /** Instance id of the sender, so an instance ignores its own announcements. */
  o: string;
  k: string[];
}

export interface InvalidationHandlers {
  onMessage(keys: readonly string[]): void;
  onDown(): void;
}

export class RedisInvalidationChannel {
  private readonly sub: Redis;
  private isLive = false;
  private closed = false;
  private readonly firstLive: Promise<void>;

  constructor(
    url: string,
    options: RedisOptions,
    private readonly channel: string,
    private readonly instanceId: string,
    private readonly handlers: InvalidationHandlers,
  ) {
    // Resubscribing ourselves on 'ready' (instead of autoResubscribe) tells us when we are live.
    this.sub = new Redis(url, { ...options, autoResubscribe: false, enableOfflineQueue: true });
    let resolveLive: () => void = () => {};
    this.firstLive = new Promise((resolve) => {
      resolveLive = resolve;
    });
    this.sub.on('ready', () => this.subscribe(resolveLive));
    this.sub.on('close', () => this.down());
    // Connection errors are retried by ioredis; without a listener it would log each one.
    this.sub.on('error', () => {});
    this.sub.on('message', (ch: string, text: string) => this.receive(ch, text));
  }

  get live(): boolean {
    return this.isLive;
  }

  /** Resolves once the first subscription is confirmed (never rejects; may never resolve). */
  whenLive(): Promise<void> {
    return this.firstLive;
  }

  encode(keys: readonly string[]): string {
    const message: InvalidationMessage = { o: this.instanceId, k: [...keys] };
    return JSON.stringify(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.isLive = false;
    this.sub.disconnect();
  }

  private subscribe(onLive: () => void): void {
    this.sub.subscribe(this.channel).then(
      () => {
        if (this.closed) return;
        // Anything cached while we were deaf may be stale: start the near-cache from empty.
        this.handlers.onDown();
        this.isLive = true;
        onLive();
      },
      () => {
        this.down();
        // Connected but the SUBSCRIBE failed (timed out): try again rather than stay deaf.
        if (!this.closed && this.sub.status === 'ready')
          setTimeout(() => this.subscribe(onLive), 200).unref();
      },
    );
  }

  private down(): void {
    const wasLive = this.isLive;
    this.isLive = false;
    if (wasLive) this.handlers.onDown();
  }

  private receive(channel: string, text: string): void {
    if (channel !== this.channel) return;
    let message: InvalidationMessage;
    try {
      message = JSON.parse(text) as InvalidationMessage;
    } catch {
      return;
    }
    if (message.o === this.instanceId || !Array.isArray(message.k)) return;
    this.handlers.onMessage(message.k.filter((k) => typeof k === 'string'));
  }
}
