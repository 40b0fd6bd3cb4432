/**
 * PaymentQueryService over the payment read models, for any SQL database: subclasses supply how
 * to run a query and how parameters are written (`?` or `$n`). The SQL itself is shared.
 *
 * Read-your-writes: with `minCheckpoint`, a read first waits (bounded by `timeoutMs`, default 2 s)
 * for the payments projection to have applied that checkpoint; on timeout it serves what the read
 * model has — possibly without the caller's write (compare `version` when it matters) — unless
 * `onTimeout: 'reject'`, which throws PAY_TIMEOUT instead.
 */
import type { EventStore } from '../../eventsourcing/eventStore.js';
import { PaystreamError, ValidationError } from '../../shared/errors.js';
import { bucketStart, isoTime, PAYMENTS_PROJECTION } from '../projections/paymentFold.js';
import type { PaymentQueryService, ReadOptions } from '../services.js';
import type {
  AuditEntry,
  CurrencyDashboard,
  DashboardView,
  PaymentList,
  PaymentListFilter,
  PaymentView,
  TimeBucket,
  TimeseriesPoint,
} from '../views.js';
import { paymentAsOf, paymentHistory } from './history.js';

export type Row = Record<string, unknown>;

/** Waits for a projection checkpoint; resolves false on timeout. */
export type CheckpointWait = (
  projection: string,
  minCheckpoint: string,
  timeoutMs?: number,
) => Promise<boolean>;

export interface SqlPaymentQueriesOptions {
  /** For history and time travel (the payment's stream). */
  store: EventStore;
  /** Usually ProjectionRuntime.waitForCheckpoint; without it minCheckpoint is ignored. */
  waitForCheckpoint?: CheckpointWait;
}

const BUCKETS = new Set<TimeBucket>(['minute', 'hour', 'day']);

function json<T>(x: unknown): T {
  return (typeof x === 'string' ? JSON.parse(x) : x) as T;
}

export abstract class SqlPaymentQueries implements PaymentQueryService {
  constructor(protected readonly options: SqlPaymentQueriesOptions) {}

  /** Runs a read; `sql` uses ? placeholders (converted by the subclass when needed). */
  protected abstract rows(sql: string, params: unknown[]): Promise<Row[]>;

  async getPayment(paymentId: string, options?: ReadOptions): Promise<PaymentView | undefined> {
    await this.waitFor(options);
    const [row] = await this.rows('SELECT view FROM payment_details WHERE id = ?', [paymentId]);
    return row ? json<PaymentView>(row.view) : undefined;
  }

  getPaymentAsOf(paymentId: string, at: { version?: number; time?: Date }): Promise<PaymentView | undefined> {
    return paymentAsOf(this.options.store, paymentId, at);
  }

  getHistory(paymentId: string): Promise<AuditEntry[] | undefined> {
    return paymentHistory(this.options.store, paymentId);
  }

  async listPayments(filter: PaymentListFilter, options?: ReadOptions): Promise<PaymentList> {
    await this.waitFor(options);
    const limit = filter.limit ?? 10;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100) {
      throw new ValidationError('limit must be an integer from 1 to 100', { field: 'limit' });
    }
    const { where, params } = await this.listConditions(filter);
    const rows = await this.rows(
      `SELECT view FROM payment_details ${where} ORDER BY created DESC, id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    return {
      data: rows.slice(0, limit).map((r) => json<PaymentView>(r.view)),
      has_more: rows.length > limit,
    };
  }

  async dashboard(options?: ReadOptions): Promise<DashboardView> {
    await this.waitFor(options);
    const rows = await this.rows('SELECT * FROM payment_dashboard WHERE count > 0 ORDER BY currency', []);
    return { currencies: rows.map(toCurrencyDashboard) };
  }

  async timeseries(
    bucket: TimeBucket,
    range: { from?: Date; to?: Date; currency?: string } = {},
  ): Promise<TimeseriesPoint[]> {
    if (!BUCKETS.has(bucket))
      throw new ValidationError('bucket must be minute, hour or day', { field: 'bucket' });
    const conds = ['bucket = ?'];
    const params: unknown[] = [bucket];
    if (range.from) {
      conds.push('bucket_start >= ?');
      params.push(bucketStart(validTime(range.from, 'from'), bucket));
    }
    if (range.to) {
      conds.push('bucket_start <= ?');
      params.push(validTime(range.to, 'to'));
    }
    if (range.currency) {
      conds.push('currency = ?');
      params.push(range.currency.toLowerCase());
    }
    const rows = await this.rows(
      `SELECT * FROM payment_timeseries WHERE ${conds.join(' AND ')} ORDER BY bucket_start, currency`,
      params,
    );
    return rows.map((r) => ({
      bucket_start: String(r.bucket_start),
      currency: String(r.currency),
      count: Number(r.count),
      succeeded: Number(r.succeeded),
      failed: Number(r.failed),
      amount_captured: Number(r.amount_captured),
      amount_refunded: Number(r.amount_refunded),
    }));
  }

  protected async waitFor(options: ReadOptions | undefined): Promise<void> {
    const min = options?.minCheckpoint;
    if (!min) return;
    const timeoutMs = options.timeoutMs ?? 2000;
    const reached = this.options.waitForCheckpoint
      ? await this.options.waitForCheckpoint(PAYMENTS_PROJECTION, min, timeoutMs)
      : false;
    if (!reached && options.onTimeout === 'reject') {
      throw new PaystreamError(
        'PAY_TIMEOUT',
        `read model did not reach checkpoint ${min} within ${timeoutMs} ms`,
        {
          projection: PAYMENTS_PROJECTION,
          minCheckpoint: min,
        },
      );
    }
  }

  private async listConditions(f: PaymentListFilter): Promise<{ where: string; params: unknown[] }> {
    const conds: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      conds.push(sql);
      params.push(...values);
    };
    if (f.status) add('status = ?', f.status);
    if (f.currency) add('currency = ?', f.currency.toLowerCase());
    if (f.customer) add('customer = ?', f.customer);
    if (f.createdGte) add('created >= ?', isoFilter(f.createdGte, 'created[gte]'));
    if (f.createdLte) add('created <= ?', isoFilter(f.createdLte, 'created[lte]'));
    if (f.amountGte !== undefined) add('amount >= ?', f.amountGte);
    if (f.amountLte !== undefined) add('amount <= ?', f.amountLte);
    if (f.startingAfter) {
      const [cursor] = await this.rows('SELECT created, id FROM payment_details WHERE id = ?', [
        f.startingAfter,
      ]);
      if (!cursor) {
        throw new ValidationError(`starting_after: no payment ${f.startingAfter}`, {
          field: 'starting_after',
        });
      }
      add('(created, id) < (?, ?)', cursor.created, cursor.id);
    }
    return { where: conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '', params };
  }
}

function validTime(d: Date, field: string): string {
  if (Number.isNaN(d.getTime())) throw new ValidationError(`${field} must be a valid date`, { field });
  return d.toISOString();
}

function isoFilter(t: string, field: string): string {
  try {
    return isoTime(t);
  } catch {
    throw new ValidationError(`${field} must be an ISO 8601 time`, { field });
  }
}

function toCurrencyDashboard(r: Row): CurrencyDashboard {
  const succeeded = Number(r.succeeded);
  const failed = Number(r.failed);
  return {
    currency: String(r.currency),
    count: Number(r.count),
    succeeded,
    failed,
    amount_captured: Number(r.amount_captured),
    amount_refunded: Number(r.amount_refunded),
    success_rate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
    last_payment_at: (r.last_payment_at as string | null) ?? null,
    last_failure_at: (r.last_failure_at as string | null) ?? null,
  };
}
