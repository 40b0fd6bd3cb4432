import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteOutboxStore } from '../../../src/eventsourcing/outbox/sqliteOutboxStore.js';
import { SqliteEventStore } from '../../../src/eventsourcing/sqlite/sqliteEventStore.js';
import { outboxStoreContract } from '../../../src/eventsourcing/testing/outboxContract.js';

// A real SQLite file; rows are written by the event store's append, as in production.
outboxStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-outbox-'));
  const es = new SqliteEventStore({ path: join(dir, 'events.db'), synchronous: 'normal' });
  return {
    openStore: (clock) => new SqliteOutboxStore(es.db, clock),
    enqueue: async (streamId, messages) => {
      await es.append(streamId, [{ type: 'Asked', data: {} }], { outbox: messages });
    },
    reset: async () => {
      es.db.exec('DELETE FROM outbox_messages');
    },
    close: async () => {
      await es.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
