/** The webhook inbox on SQLite (the event store's file) and on PostgreSQL. */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { InboxEntry, WebhookInbox } from './webhookInbox.js';

interface Row {
  event_id: string;
  type: string;
  received_at: number | Date;
  processed_at: number | Date | null;
  payment_id: string | null;
}

function toEntry(r: Row): InboxEntry {
  return {
    eventId: r.event_id,
    type: r.type,
    receivedAt: new Date(r.received_at),
    processedAt: r.processed_at === null ? null : new Date(r.processed_at),
    paymentId: r.payment_id,
  };
}

export class SqliteWebhookInbox implements WebhookInbox {
  constructor(private readonly db: Database.Database) {}

  async receive(e: { eventId: string; type: string; paymentId: string | null }) {
    const inserted = this.db
      .prepare(
        `INSERT INTO webhook_inbox (event_id, type, received_at, payment_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (event_id) DO NOTHING`,
      )
      .run(e.eventId, e.type, Date.now(), e.paymentId);
    const row = this.db.prepare('SELECT * FROM webhook_inbox WHERE event_id = ?').get(e.eventId) as Row;
    return { entry: toEntry(row), isNew: inserted.changes === 1 };
  }

  async markProcessed(eventId: string): Promise<void> {
    this.db
      .prepare('UPDATE webhook_inbox SET processed_at = ? WHERE event_id = ? AND processed_at IS NULL')
      .run(Date.now(), eventId);
  }

  async get(eventId: string): Promise<InboxEntry | undefined> {
    const row = this.db.prepare('SELECT * FROM webhook_inbox WHERE event_id = ?').get(eventId) as
      | Row
      | undefined;
    return row ? toEntry(row) : undefined;
  }
}

export class PostgresWebhookInbox implements WebhookInbox {
  constructor(private readonly pool: pg.Pool) {}

  async receive(e: { eventId: string; type: string; paymentId: string | null }) {
    const inserted = await this.pool.query(
      `INSERT INTO webhook_inbox (event_id, type, payment_id) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO NOTHING`,
      [e.eventId, e.type, e.paymentId],
    );
    const r = await this.pool.query<Row>('SELECT * FROM webhook_inbox WHERE event_id = $1', [e.eventId]);
    return { entry: toEntry(r.rows[0]!), isNew: inserted.rowCount === 1 };
  }

  async markProcessed(eventId: string): Promise<void> {
    await this.pool.query(
      'UPDATE webhook_inbox SET processed_at = now() WHERE event_id = $1 AND processed_at IS NULL',
      [eventId],
    );
  }

  async get(eventId: string): Promise<InboxEntry | undefined> {
    const r = await this.pool.query<Row>('SELECT * FROM webhook_inbox WHERE event_id = $1', [eventId]);
    return r.rows[0] ? toEntry(r.rows[0]) : undefined;
  }
}
