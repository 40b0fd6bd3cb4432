/**
 * The in-memory `outbox_messages` table that MemoryEventStore writes in the same step as the
 * events. It only stores rows; lease/complete/fail logic belongs to the OutboxStore that wraps it.
 * Rows are live objects owned by the table: the wrapper may change any field except id and dedupKey.
 */
import type { OutboxMessage } from '../outbox/outboxStore.js';

export class MemoryOutboxTable {
  private readonly byId = new Map<string, OutboxMessage>();
  private readonly dedupKeys = new Set<string>();

  /** True when a row with this dedup key exists (an insert with it would be ignored). */
  hasDedupKey(dedupKey: string): boolean {
    return this.dedupKeys.has(dedupKey);
  }

  /** True when a row with this id exists. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Inserts the row unless its dedupKey is already there; returns whether it was inserted. */
  insert(row: OutboxMessage): boolean {
    if (this.dedupKeys.has(row.dedupKey)) return false;
    this.dedupKeys.add(row.dedupKey);
    this.byId.set(row.id, row);
    return true;
  }

  get(id: string): OutboxMessage | undefined {
    return this.byId.get(id);
  }

  /** Every row, in insertion order (the live objects). */
  all(): OutboxMessage[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}
