import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteOutboxStore } from '../../../src/eventsourcing/outbox/sqliteOutboxStore.js';
import { outboxStoreContract } from '../../../src/eventsourcing/testing/outboxContract.js';

// The table as documented in outboxStore.ts (the SQLite event store's migration creates the same).
const DDL = `CREATE TABLE IF NOT EXISTS outbox_messages (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, stream_id TEXT NOT NULL, dedup_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
  available_at INTEGER NOT NULL, lease_owner TEXT, lease_expires_at INTEGER, last_error TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, completed_at INTEGER)`;

outboxStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-outbox-'));
  const db = new Database(join(dir, 'outbox.db'));
  db.pragma('journal_mode = WAL');
  db.exec(DDL);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO outbox_messages (id, kind, stream_id, dedup_key, payload, available_at, created_at, updated_at)
     VALUES (@id, @kind, @streamId, @dedupKey, @payload, @at, @now, @now)`,
  );
  return {
    openStore: (clock) => new SqliteOutboxStore(db, clock),
    enqueue: async (streamId, messages) => {
      const now = Date.now();
      for (const m of messages) {
        insert.run({
          id: m.id ?? randomUUID(),
          kind: m.kind,
          streamId,
          dedupKey: m.dedupKey,
          payload: JSON.stringify(m.payload),
          at: m.availableAt?.getTime() ?? now,
          now,
        });
      }
    },
    reset: async () => {
      db.exec('DELETE FROM outbox_messages');
    },
    close: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
