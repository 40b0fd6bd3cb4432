/**
 * The payments projection on SQLite: per batch, load the touched payments' rows once, fold,
 * write each changed row once and add the dashboard / time-series deltas.
 */
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../eventsourcing/eventStore.js';
import type { MigrationSet } from '../../eventsourcing/migrations.js';
import type { ApplyContext, Projection } from '../../eventsourcing/projections/projection.js';
import type { PaymentView } from '../views.js';
import {
  type DashboardDelta,
  foldPayments,
  isoTime,
  paymentIdsToLoad,
  paymentProjectionMeta,
  type SeriesDelta,
  type StoredPayment,
} from './paymentFold.js';
import { stateFromStored, storedRest } from './storedState.js';

type Db = Database.Database;

export const SQLITE_PAYMENT_READ_MODEL_MIGRATIONS: MigrationSet = {
  module: 'projections',
  dir: fileURLToPath(new URL('./sql/sqlite/', import.meta.url)),
};

// SQLite's default limit on bound parameters is 32766; stay well under it.
const LOAD_CHUNK = 500;

interface LoadedRow {
  id: string;
  version: number;
  view: string;
  state: string;
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();
/** Prepared once per database and SQL text (SQLite re-prepares by itself after a schema change). */
function prepare(db: Db, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let st = cache.get(sql);
  if (!st) {
    st = db.prepare(sql);
    cache.set(sql, st);
  }
  return st;
}

function loadRows(db: Db, table: string, ids: string[]): Map<string, StoredPayment> {
  const out = new Map<string, StoredPayment>();
  for (let i = 0; i < ids.length; i += LOAD_CHUNK) {
    const chunk = ids.slice(i, i + LOAD_CHUNK);
    const rows = prepare(
      db,
      `SELECT id, version, view, state FROM ${table} WHERE id IN (${chunk.map(() => '?').join(',')})`,
    ).all(...chunk) as LoadedRow[];
    for (const r of rows) {
      {
        const view = JSON.parse(r.view) as PaymentView;
        out.set(r.id, { version: r.version, view, state: stateFromStored(view, JSON.parse(r.state)) });
      }
    }
  }
  return out;
}

function writeDetails(db: Db, details: string, changed: StoredPayment[]): void {
  const upsert = prepare(
    db,
    `INSERT INTO ${details} (id, status, currency, customer, amount, created, updated, version, view, state)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, customer = excluded.customer,
       amount = excluded.amount, updated = excluded.updated, version = excluded.version,
       view = excluded.view, state = excluded.state`,
  );
  for (const p of changed) {
    const v = p.view;
    upsert.run(
      v.id,
      v.status,
      v.currency,
      v.customer,
      v.amount,
      isoTime(v.created),
      isoTime(v.updated),
      p.version,
      JSON.stringify(v),
      JSON.stringify(storedRest(p.state)),
    );
  }
}

function writeDashboard(db: Db, table: string, deltas: DashboardDelta[]): void {
  const dash = prepare(
    db,
    `INSERT INTO ${table} AS d (currency, count, succeeded, failed, amount_captured,
       amount_refunded, last_payment_at, last_failure_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (currency) DO UPDATE SET count = d.count + excluded.count,
       succeeded = d.succeeded + excluded.succeeded, failed = d.failed + excluded.failed,
       amount_captured = d.amount_captured + excluded.amount_captured,
       amount_refunded = d.amount_refunded + excluded.amount_refunded,
       last_payment_at = nullif(max(coalesce(d.last_payment_at, ''), coalesce(excluded.last_payment_at, '')), ''),
       last_failure_at = nullif(max(coalesce(d.last_failure_at, ''), coalesce(excluded.last_failure_at, '')), '')`,
  );
  for (const d of deltas) {
    dash.run(
      d.currency,
      d.count,
      d.succeeded,
      d.failed,
      d.amountCaptured,
      d.amountRefunded,
      d.lastPaymentAt && isoTime(d.lastPaymentAt),
      d.lastFailureAt && isoTime(d.lastFailureAt),
    );
  }
}

function writeSeries(db: Db, table: string, deltas: SeriesDelta[]): void {
  const series = prepare(
    db,
    `INSERT INTO ${table} AS s (bucket, bucket_start, currency, count, succeeded,
       failed, amount_captured, amount_refunded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (bucket, bucket_start, currency) DO UPDATE SET count = s.count + excluded.count,
       succeeded = s.succeeded + excluded.succeeded, failed = s.failed + excluded.failed,
       amount_captured = s.amount_captured + excluded.amount_captured,
       amount_refunded = s.amount_refunded + excluded.amount_refunded`,
  );
  for (const s of deltas) {
    series.run(
      s.bucket,
      s.bucketStart,
      s.currency,
      s.count,
      s.succeeded,
      s.failed,
      s.amountCaptured,
      s.amountRefunded,
    );
  }
}

function applyPaymentsBatch(db: Db, events: RecordedEvent[], ctx: ApplyContext): string[] {
  const details = ctx.table('payment_details');
  const folded = foldPayments(events, loadRows(db, details, paymentIdsToLoad(events)));
  writeDetails(db, details, folded.changed);
  writeDashboard(db, ctx.table('payment_dashboard'), folded.dashboard);
  writeSeries(db, ctx.table('payment_timeseries'), folded.series);
  return folded.changed.map((p) => p.view.id);
}

export function sqlitePaymentsProjection(): Projection<Db> {
  return { ...paymentProjectionMeta, applyBatch: applyPaymentsBatch };
}
