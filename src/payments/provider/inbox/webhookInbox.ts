/**
 * The webhook inbox: one row per provider event id, so a redelivered event is recognised and
 * not applied again. Table `webhook_inbox(event_id PK, type, received_at, processed_at, payment_id)`,
 * created by the 'provider' migration set (SQLite and PostgreSQL).
 *
 * A row is written on receipt and marked processed after the event's effect is committed. The effect
 * itself is idempotent (recording an outcome already recorded writes nothing; a correction only
 * writes what differs), so a crash between the two — or two concurrent deliveries of one event — can
 * only cause a harmless re-application, never a double effect.
 */
import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '../../../eventsourcing/migrations.js';

export interface InboxEntry {
  eventId: string;
  type: string;
  receivedAt: Date;
  processedAt: Date | null;
  paymentId: string | null;
}

export interface WebhookInbox {
  /** Records the receipt unless already there; returns the stored entry and whether it is new. */
  receive(e: { eventId: string; type: string; paymentId: string | null }): Promise<{
    entry: InboxEntry;
    isNew: boolean;
  }>;
  markProcessed(eventId: string): Promise<void>;
  get(eventId: string): Promise<InboxEntry | undefined>;
}

export const providerMigrationsSqlite: MigrationSet = {
  module: 'provider',
  dir: fileURLToPath(new URL('../migrations/sqlite', import.meta.url)),
};

export const providerMigrationsPostgres: MigrationSet = {
  module: 'provider',
  dir: fileURLToPath(new URL('../migrations/postgres', import.meta.url)),
};

export class MemoryWebhookInbox implements WebhookInbox {
  private readonly rows = new Map<string, InboxEntry>();

  async receive(e: { eventId: string; type: string; paymentId: string | null }) {
    const existing = this.rows.get(e.eventId);
    if (existing) return { entry: { ...existing }, isNew: false };
    const entry: InboxEntry = { ...e, receivedAt: new Date(), processedAt: null };
    this.rows.set(e.eventId, entry);
    return { entry: { ...entry }, isNew: true };
  }

  async markProcessed(eventId: string): Promise<void> {
    const row = this.rows.get(eventId);
    if (row && !row.processedAt) row.processedAt = new Date();
  }

  async get(eventId: string): Promise<InboxEntry | undefined> {
    const row = this.rows.get(eventId);
    return row ? { ...row } : undefined;
  }
}
