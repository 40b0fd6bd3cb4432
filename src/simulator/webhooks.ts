/**
 * Delivers Events to webhook endpoints as Stripe does: a signed JSON POST, retried with exponential
 * backoff on non-2xx answers, errors and timeouts. Faults can drop, duplicate, reorder or delay a
 * delivery. Bounded: after maxAttempts a delivery is given up (the event stays listable).
 */
import { EventEmitter } from 'node:events';
import type { WebhookFault } from './faults.js';
import type { WireEvent } from './objects.js';
import { signatureHeader } from './signature.js';
import type { SimState, WebhookEndpoint } from './state.js';

export interface WebhookRetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A delivery that takes longer counts as failed. */
  timeoutMs: number;
  /** How long a reordered delivery waits for a later one to overtake it. */
  reorderHoldMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryOptions = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  timeoutMs: 10_000,
  reorderHoldMs: 1000,
};

export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  endpointId: string;
  attempt: number;
  /** HTTP status, or null for a network error or timeout. */
  status: number | null;
  ok: boolean;
  outcome: 'delivered' | 'retrying' | 'gave_up' | 'dropped';
}

interface Delivery {
  event: WireEvent;
  endpoint: WebhookEndpoint;
  attempt: number;
  /** Reordered deliveries this one overtook: sent after its first attempt. */
  overtaken?: Delivery[];
}

export class WebhookDispatcher extends EventEmitter {
  readonly attempts: DeliveryAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly held = new Map<string, Delivery[]>();
  private pending = 0;
  private closed = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly state: SimState,
    private readonly faults: { nextWebhookFault(): WebhookFault },
    private readonly retry: WebhookRetryOptions,
    private readonly nowMs: () => number,
  ) {
    super();
  }

  /** Queues the event for every matching endpoint; returns how many deliveries are pending. */
  enqueue(event: WireEvent): number {
    let count = 0;
    for (const endpoint of this.state.endpoints.newestFirst().reverse()) {
      if (!matches(endpoint, event.type)) continue;
      count += 1;
      this.plan({ event, endpoint, attempt: 1 });
    }
    return count;
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held.clear();
    this.pending = 0;
    this.settleIdle();
  }

  private plan(d: Delivery): void {
    const fault = this.faults.nextWebhookFault();
    const overtaken = this.held.get(d.endpoint.id) ?? [];
    if (fault.reorder) {
      this.hold(d);
      return;
    }
    this.held.delete(d.endpoint.id);
    if (fault.drop) {
      this.record(d, null, 'dropped');
      this.release(overtaken);
      return;
    }
    // Held deliveries go out once this later one has been attempted: it overtook them.
    this.schedule({ ...d, overtaken }, fault.delayMs);
    if (fault.duplicate) this.schedule({ ...d }, fault.delayMs);
  }

  private hold(d: Delivery): void {
    const list = this.held.get(d.endpoint.id) ?? [];
    list.push(d);
    this.held.set(d.endpoint.id, list);
    this.pending += 1;
    // Nothing may overtake it: it is released anyway, late.
    this.timer(() => {
      const still = this.held.get(d.endpoint.id);
      const i = still?.indexOf(d) ?? -1;
      if (!still || i < 0) return;
      still.splice(i, 1);
      this.release([d]);
    }, this.retry.reorderHoldMs);
  }

  /** Held deliveries were counted as pending when held; scheduling counts them again. */
  private release(list: Delivery[]): void {
    for (const h of list) {
      this.pending -= 1;
      this.schedule(h, 0);
    }
  }

  private schedule(d: Delivery, delayMs: number): void {
    this.pending += 1;
    this.timer(() => {
      void this.attempt(d);
    }, delayMs);
  }

  private timer(fn: () => void, ms: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private async attempt(d: Delivery): Promise<void> {
    const status = await this.post(d);
    if (this.closed) return;
    if (d.overtaken) this.release(d.overtaken);
    const ok = status !== null && status >= 200 && status < 300;
    if (ok) {
      this.record(d, status, 'delivered');
      this.decrementPendingWebhooks(d.event.id);
    } else if (d.attempt >= this.retry.maxAttempts) {
      this.record(d, status, 'gave_up');
    } else {
      this.record(d, status, 'retrying');
      const delay = Math.min(this.retry.baseDelayMs * 2 ** (d.attempt - 1), this.retry.maxDelayMs);
      this.schedule({ event: d.event, endpoint: d.endpoint, attempt: d.attempt + 1 }, delay);
    }
    this.pending -= 1;
    this.settleIdle();
  }

  private async post(d: Delivery): Promise<number | null> {
    const payload = JSON.stringify(this.state.events.get(d.event.id) ?? d.event);
    const header = signatureHeader(payload, d.endpoint.secret, Math.floor(this.nowMs() / 1000));
    try {
      const res = await fetch(d.endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': header,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return null;
    }
  }

  private decrementPendingWebhooks(eventId: string): void {
    const ev = this.state.events.get(eventId);
    if (ev && ev.pending_webhooks > 0) {
      ev.pending_webhooks -= 1;
      this.state.events.put(ev.id, ev);
    }
  }

  private record(d: Delivery, status: number | null, outcome: DeliveryAttempt['outcome']): void {
    const a: DeliveryAttempt = {
      eventId: d.event.id,
      eventType: d.event.type,
      endpointId: d.endpoint.id,
      attempt: d.attempt,
      status,
      ok: outcome === 'delivered',
      outcome,
    };
    this.attempts.push(a);
    this.emit('attempt', a);
  }

  private settleIdle(): void {
    if (this.pending > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

function matches(endpoint: WebhookEndpoint, type: string): boolean {
  const e = endpoint.enabledEvents;
  return e.length === 0 || e.includes('*') || e.includes(type);
}
