/**
 * The payments projection on PostgreSQL: per batch one SELECT of the touched rows, then one
 * statement per table (arrays through unnest), so a batch costs four round trips however large.
 */
import { fileURLToPath } from 'node:url';
import type { RecordedEvent } from '../../eventsourcing/eventStore.js';
import type { MigrationSet } from '../../eventsourcing/migrations.js';
import type { PgTx } from '../../eventsourcing/projections/postgresProjectionDb.js';
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

export const POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS: MigrationSet = {
  module: 'projections',
  dir: fileURLToPath(new URL('./sql/postgres/', import.meta.url)),
};

async function loadRows(tx: PgTx, table: string, ids: string[]): Promise<Map<string, StoredPayment>> {
  const out = new Map<string, StoredPayment>();
  if (ids.length === 0) return out;
  const { rows } = await tx.query<{ id: string; version: number; view: string; state: string }>(
    // ::text: parse the JSON here, once, rather than have pg parse and us copy it.
    `SELECT id, version, view::text AS view, state::text AS state FROM ${table} WHERE id = ANY($1::text[])`,
    [ids],
  );
  for (const r of rows) {
    const view = JSON.parse(r.view) as PaymentView;
    out.set(r.id, { version: r.version, view, state: stateFromStored(view, JSON.parse(r.state)) });
  }
  return out;
}

async function writeDetails(tx: PgTx, table: string, changed: StoredPayment[]): Promise<void> {
  if (changed.length === 0) return;
  // One JSON document for the whole batch: a single native stringify here and one parse in the
  // server, instead of escaping every JSON string into an array literal.
  const rows = changed.map((p) => ({
    id: p.view.id,
    status: p.view.status,
    currency: p.view.currency,
    customer: p.view.customer,
    amount: p.view.amount,
    created: isoTime(p.view.created),
    updated: isoTime(p.view.updated),
    version: p.version,
    view: p.view,
    state: storedRest(p.state),
  }));
  await tx.query(
    `INSERT INTO ${table} (id, status, currency, customer, amount, created, updated, version, view, state)
     SELECT id, status, currency, customer, amount, created, updated, version, view, state
       FROM json_to_recordset($1::json) AS x(id text, status text, currency text, customer text, amount bigint,
         created text, updated text, version int, view json, state json)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, customer = excluded.customer,
       amount = excluded.amount, updated = excluded.updated, version = excluded.version,
       view = excluded.view, state = excluded.state`,
    [JSON.stringify(rows)],
  );
}

async function writeDashboard(tx: PgTx, table: string, d: DashboardDelta[]): Promise<void> {
  if (d.length > 0) {
    await tx.query(
      `INSERT INTO ${table} AS d (currency, count, succeeded, failed, amount_captured,
         amount_refunded, last_payment_at, last_failure_at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
         $7::text[], $8::text[])
       ON CONFLICT (currency) DO UPDATE SET count = d.count + excluded.count,
         succeeded = d.succeeded + excluded.succeeded, failed = d.failed + excluded.failed,
         amount_captured = d.amount_captured + excluded.amount_captured,
         amount_refunded = d.amount_refunded + excluded.amount_refunded,
         last_payment_at = GREATEST(d.last_payment_at, excluded.last_payment_at),
         last_failure_at = GREATEST(d.last_failure_at, excluded.last_failure_at)`,
      [
        d.map((x) => x.currency),
        d.map((x) => x.count),
        d.map((x) => x.succeeded),
        d.map((x) => x.failed),
        d.map((x) => x.amountCaptured),
        d.map((x) => x.amountRefunded),
        d.map((x) => x.lastPaymentAt && isoTime(x.lastPaymentAt)),
        d.map((x) => x.lastFailureAt && isoTime(x.lastFailureAt)),
      ],
    );
  }
}

async function writeSeries(tx: PgTx, table: string, s: SeriesDelta[]): Promise<void> {
  if (s.length > 0) {
    await tx.query(
      `INSERT INTO ${table} AS s (bucket, bucket_start, currency, count, succeeded,
         failed, amount_captured, amount_refunded)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
         $7::bigint[], $8::bigint[])
       ON CONFLICT (bucket, bucket_start, currency) DO UPDATE SET count = s.count + excluded.count,
         succeeded = s.succeeded + excluded.succeeded, failed = s.failed + excluded.failed,
         amount_captured = s.amount_captured + excluded.amount_captured,
         amount_refunded = s.amount_refunded + excluded.amount_refunded`,
      [
        s.map((x) => x.bucket),
        s.map((x) => x.bucketStart),
        s.map((x) => x.currency),
        s.map((x) => x.count),
        s.map((x) => x.succeeded),
        s.map((x) => x.failed),
        s.map((x) => x.amountCaptured),
        s.map((x) => x.amountRefunded),
      ],
    );
  }
}

async function applyPaymentsBatch(tx: PgTx, events: RecordedEvent[], ctx: ApplyContext): Promise<string[]> {
  const loaded = await loadRows(tx, ctx.table('payment_details'), paymentIdsToLoad(events));
  const folded = foldPayments(events, loaded);
  await writeDetails(tx, ctx.table('payment_details'), folded.changed);
  await writeDashboard(tx, ctx.table('payment_dashboard'), folded.dashboard);
  await writeSeries(tx, ctx.table('payment_timeseries'), folded.series);
  return folded.changed.map((p) => p.view.id);
}

export function postgresPaymentsProjection(): Projection<PgTx> {
  return { ...paymentProjectionMeta, applyBatch: applyPaymentsBatch };
}
