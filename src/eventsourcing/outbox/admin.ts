/** What `paystream outbox list|retry` and the admin routes call. */
import type { OutboxMessage, OutboxState, OutboxStore } from './outboxStore.js';

export interface OutboxAdmin {
  listOutbox(filter: { state?: OutboxState; limit?: number }): Promise<OutboxMessage[]>;
  /** A dead letter back to pending; PAY_OUTBOX_NOT_DEAD / PAY_NOT_FOUND otherwise. */
  retryOutbox(id: string): Promise<OutboxMessage>;
}

export function outboxAdmin(store: OutboxStore, onRetry?: () => void): OutboxAdmin {
  return {
    listOutbox: (filter) => store.list(filter),
    async retryOutbox(id) {
      const m = await store.retry(id);
      onRetry?.();
      return m;
    },
  };
}

/** One line per message for the CLI; the payload stays out (it may hold customer data). */
export function formatOutboxLine(m: OutboxMessage): string {
  return [
    m.id,
    m.state,
    m.kind,
    m.streamId,
    `attempts=${m.attempts}`,
    m.lastError ? `error=${m.lastError}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}
