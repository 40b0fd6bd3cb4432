import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { migratePostgres } from '../../../src/eventsourcing/postgres/migrate.js';
import { migrateSqlite } from '../../../src/eventsourcing/sqlite/migrate.js';
import { SqliteEventStore } from '../../../src/eventsourcing/sqlite/sqliteEventStore.js';
import {
  PostgresWebhookInbox,
  SqliteWebhookInbox,
} from '../../../src/payments/provider/inbox/sqlWebhookInbox.js';
import {
  MemoryWebhookInbox,
  providerMigrationsPostgres,
  providerMigrationsSqlite,
  type WebhookInbox,
} from '../../../src/payments/provider/inbox/webhookInbox.js';
import { createTestDatabase } from '../../support/pg.js';

function inboxContract(name: string, make: () => Promise<{ inbox: WebhookInbox; close(): Promise<void> }>) {
  describe(`webhook inbox: ${name}`, () => {
    it('records a receipt once, reports duplicates, and marks it processed once', async () => {
      const { inbox, close } = await make();
      try {
        const first = await inbox.receive({
          eventId: 'evt_1',
          type: 'payment_intent.succeeded',
          paymentId: 'pay_1',
        });
        assert.equal(first.isNew, true);
        assert.equal(first.entry.processedAt, null);
        assert.equal(first.entry.paymentId, 'pay_1');
        const again = await inbox.receive({
          eventId: 'evt_1',
          type: 'payment_intent.succeeded',
          paymentId: 'pay_1',
        });
        assert.equal(again.isNew, false);
        await inbox.markProcessed('evt_1');
        const processed = await inbox.get('evt_1');
        assert.ok(processed?.processedAt instanceof Date);
        await inbox.markProcessed('evt_1');
        assert.equal(
          (await inbox.get('evt_1'))?.processedAt?.getTime(),
          processed.processedAt.getTime(),
          'first mark kept',
        );
        assert.equal(await inbox.get('evt_unknown'), undefined);
        const bare = await inbox.receive({ eventId: 'evt_2', type: 'customer.created', paymentId: null });
        assert.equal(bare.entry.paymentId, null);
        assert.equal(bare.entry.type, 'customer.created');
      } finally {
        await close();
      }
    });

    it('lets exactly one of two concurrent receipts of one event be new', async () => {
      const { inbox, close } = await make();
      try {
        const e = { eventId: 'evt_race', type: 'charge.refunded', paymentId: 'pay_2' };
        const results = await Promise.all([inbox.receive(e), inbox.receive(e), inbox.receive(e)]);
        assert.equal(results.filter((r) => r.isNew).length, 1);
      } finally {
        await close();
      }
    });
  });
}

inboxContract('memory', async () => ({ inbox: new MemoryWebhookInbox(), close: async () => {} }));

inboxContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-inbox-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.db') });
  migrateSqlite(store.db, [providerMigrationsSqlite]);
  return {
    inbox: new SqliteWebhookInbox(store.db),
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const dbs: Array<{ drop(): Promise<void> }> = [];
after(async () => {
  for (const db of dbs) await db.drop();
});

inboxContract('postgres', async () => {
  const db = await createTestDatabase('inbox');
  dbs.push(db);
  await migratePostgres(db.pool, [providerMigrationsPostgres]);
  return { inbox: new PostgresWebhookInbox(db.pool), close: async () => {} };
});
