import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { projectionRuntimeMigrations } from '../../../src/eventsourcing/projections/projection.js';
import {
  type SqliteProjection,
  SqliteProjectionDb,
} from '../../../src/eventsourcing/projections/sqliteProjectionDb.js';
import { migrateSqlite } from '../../../src/eventsourcing/sqlite/migrate.js';
import { type CountRow, projectionRuntimeContract } from './runtimeContract.js';

function countingProjection(
  db: Database.Database,
  name: string,
  failOn?: (n: number) => boolean,
): SqliteProjection {
  const table = `counts_${name}`;
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, n INTEGER NOT NULL, total INTEGER NOT NULL)`,
  );
  db.exec(`CREATE INDEX IF NOT EXISTS ${table}_n ON ${table} (n)`);
  return {
    name,
    version: 1,
    eventTypes: ['Counted'],
    streamPrefix: `${name}-`,
    tables: [table],
    applyBatch(tx, events, ctx) {
      const up = tx.prepare(
        `INSERT INTO ${ctx.table(table)} (stream_id, n, total) VALUES (?, 1, ?)
         ON CONFLICT (stream_id) DO UPDATE SET n = n + 1, total = total + excluded.total`,
      );
      for (const e of events) {
        const amount = (e.data as { amount: number }).amount;
        up.run(e.streamId, amount);
        if (failOn?.(amount)) throw new Error('crash injected after writing');
      }
      return [...new Set(events.map((e) => e.streamId))];
    },
  };
}

projectionRuntimeContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-proj-'));
  const db = new Database(join(dir, 'read.db'));
  db.pragma('journal_mode = WAL');
  migrateSqlite(db, [projectionRuntimeMigrations('sqlite')]);
  const store = new MemoryEventStore();
  return {
    store,
    db: new SqliteProjectionDb(db),
    projection: (name, failOn) => countingProjection(db, name, failOn),
    async counts(name) {
      const rows = db.prepare(`SELECT * FROM counts_${name}`).all() as Array<
        CountRow & { stream_id: string }
      >;
      return new Map(rows.map((r) => [r.stream_id, { n: r.n, total: r.total }]));
    },
    async cleanup() {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
