/**
 * PostgreSQL part of bench/queries.ts: seed payments through PostgresEventStore on a throwaway
 * database, then time the projector's catch-up and a shadow rebuild of the payments projection.
 */

import type pg from 'pg';
import { PostgresEventStore } from '../src/eventsourcing/postgres/postgresEventStore.js';
import { PostgresProjectionDb } from '../src/eventsourcing/projections/postgresProjectionDb.js';
import { projectionRuntimeMigrations } from '../src/eventsourcing/projections/projection.js';
import { ProjectionRuntime } from '../src/eventsourcing/projections/runtime.js';
import {
  POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS,
  postgresPaymentsProjection,
} from '../src/payments/projections/postgresPaymentsProjection.js';
import { PostgresPaymentQueries } from '../src/payments/queries/postgresPaymentQueries.js';
import { createTestDatabase } from '../test/support/pg.js';
import { appendBenchPayments, benchPaymentId, sampleRow } from './queriesSeed.js';

/**
 * The raw ceiling: rows shaped like payment_details inserted in one statement per batch (the same
 * json_to_recordset path the projection uses), nothing else. Returns rows per second.
 */
async function rawInsertCeilingPg(pool: pg.Pool, rows: number, batch = 1667): Promise<number> {
  await pool.query(
    'CREATE TABLE raw_ceiling (id text COLLATE "C" PRIMARY KEY, status text, view json, state json)',
  );
  const t0 = performance.now();
  for (let b = 0; b < rows; b += batch) {
    const docs = [];
    for (let i = b; i < Math.min(rows, b + batch); i++) docs.push({ ...sampleRow(i), status: 'succeeded' });
    await pool.query(
      'INSERT INTO raw_ceiling SELECT id, status, view, state FROM json_to_recordset($1::json) AS x(id text, status text, view json, state json)',
      [JSON.stringify(docs)],
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  await pool.query('DROP TABLE raw_ceiling');
  return rows / seconds;
}

/** Returns the rebuild rate in events/s. */
export async function benchPostgresRebuild(payments: number): Promise<number> {
  const tdb = await createTestDatabase('benchqueries');
  const store = await PostgresEventStore.create({
    pool: tdb.pool,
    migrations: [projectionRuntimeMigrations('postgres'), POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS],
  });
  try {
    let t0 = performance.now();
    await appendBenchPayments(store, 0, payments, payments, 256);
    const events = payments * 3;
    console.log(
      `PostgreSQL: seeded ${payments} payments (${events} events) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const runtime = new ProjectionRuntime({
      store,
      db: new PostgresProjectionDb(tdb.pool),
      projections: [postgresPaymentsProjection()],
      batchSize: 2000,
    });
    t0 = performance.now();
    await runtime.start();
    console.log(
      `  projector catch-up from empty: ${Math.round(events / ((performance.now() - t0) / 1000))} events/s`,
    );
    const [r] = await runtime.rebuild('payments', { batchSize: 5000 });
    console.log(`  rebuild (shadow + swap): ${Math.round(r!.eventsPerSecond)} events/s (target >= 30,000)`);
    const ceiling = await rawInsertCeilingPg(tdb.pool, payments);
    // Three events per payment row: the ceiling in events/s if reading and folding were free.
    console.log(
      `  raw ceiling, same rows by plain INSERT: ${Math.round(ceiling)} rows/s = ${Math.round(ceiling * 3)} events/s; ` +
        `rebuild = ${((r!.eventsPerSecond / (ceiling * 3)) * 100).toFixed(0)}% of it`,
    );
    const q = new PostgresPaymentQueries(tdb.pool, { store });
    const t1 = performance.now();
    for (let i = 0; i < 2000; i++) await q.getPayment(benchPaymentId((i * 7919) % payments));
    console.log(`  getPayment (read model): mean ${((performance.now() - t1) / 2000).toFixed(3)} ms`);
    await runtime.stop();
    return r!.eventsPerSecond;
  } finally {
    await store.close();
    await tdb.drop();
  }
}
