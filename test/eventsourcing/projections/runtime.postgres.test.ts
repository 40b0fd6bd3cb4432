import type pg from 'pg';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { migratePostgres } from '../../../src/eventsourcing/postgres/migrate.js';
import {
  type PostgresProjection,
  PostgresProjectionDb,
} from '../../../src/eventsourcing/projections/postgresProjectionDb.js';
import { projectionRuntimeMigrations } from '../../../src/eventsourcing/projections/projection.js';
import { createTestDatabase } from '../../support/pg.js';
import { type CountRow, projectionRuntimeContract } from './runtimeContract.js';

async function countingProjection(
  pool: pg.Pool,
  name: string,
  failOn?: (n: number) => boolean,
): Promise<PostgresProjection> {
  const table = `counts_${name}`;
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, n INTEGER NOT NULL, total INTEGER NOT NULL)`,
  );
  await pool.query(`CREATE INDEX IF NOT EXISTS ${table}_n ON ${table} (n)`);
  return {
    name,
    version: 1,
    eventTypes: ['Counted'],
    streamPrefix: `${name}-`,
    tables: [table],
    async applyBatch(tx, events, ctx) {
      for (const e of events) {
        const amount = (e.data as { amount: number }).amount;
        await tx.query(
          `INSERT INTO ${ctx.table(table)} AS t (stream_id, n, total) VALUES ($1, 1, $2)
           ON CONFLICT (stream_id) DO UPDATE SET n = t.n + 1, total = t.total + excluded.total`,
          [e.streamId, amount],
        );
        if (failOn?.(amount)) throw new Error('crash injected after writing');
      }
      return [...new Set(events.map((e) => e.streamId))];
    },
  };
}

const projections = new Map<string, PostgresProjection>();
const failHooks = new Map<string, (f: ((n: number) => boolean) | undefined) => void>();

projectionRuntimeContract('postgres', async () => {
  const tdb = await createTestDatabase('projruntime');
  await migratePostgres(tdb.pool, [projectionRuntimeMigrations('postgres')]);
  const store = new MemoryEventStore();
  // The harness's projection() is synchronous: tables are created up front.
  for (const name of ['resume', 'crash', 'retry', 'lag', 'ryw', 'rb']) {
    let fail: ((n: number) => boolean) | undefined;
    const p = await countingProjection(tdb.pool, name, (n) => fail?.(n) ?? false);
    projections.set(name, p);
    failHooks.set(name, (f) => {
      fail = f;
    });
  }
  return {
    store,
    db: new PostgresProjectionDb(tdb.pool),
    projection: (name, failOn) => {
      failHooks.get(name)!(failOn);
      return projections.get(name)!;
    },
    async counts(name) {
      const { rows } = await tdb.pool.query<CountRow & { stream_id: string }>(`SELECT * FROM counts_${name}`);
      return new Map(rows.map((r) => [r.stream_id, { n: r.n, total: r.total }]));
    },
    async cleanup() {
      await store.close();
      await tdb.drop();
    },
  };
});
