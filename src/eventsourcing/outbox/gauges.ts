/** Outbox depth and the oldest live message's age, refreshed on an interval for /metrics. */
import type { Metrics } from '../../observability/metrics.js';
import type { OutboxStats, OutboxStore } from './outboxStore.js';

export async function refreshOutboxGauges(store: OutboxStore, metrics: Metrics): Promise<OutboxStats> {
  const s = await store.stats();
  metrics.outboxDepth.set({ state: 'pending' }, s.pending);
  metrics.outboxDepth.set({ state: 'leased' }, s.leased);
  metrics.outboxDepth.set({ state: 'dead' }, s.dead);
  metrics.outboxOldestAgeSeconds.set(s.oldestAgeSeconds);
  return s;
}

/** Returns a stop function. A failed refresh keeps the last values: the store may be briefly down. */
export function startOutboxGauges(store: OutboxStore, metrics: Metrics, intervalMs = 5_000): () => void {
  let busy = false;
  const tick = (): void => {
    if (busy) return;
    busy = true;
    refreshOutboxGauges(store, metrics)
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
