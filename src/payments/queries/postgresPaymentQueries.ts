/** The payment queries on the PostgreSQL read models. */
import type pg from 'pg';
import { type Row, SqlPaymentQueries, type SqlPaymentQueriesOptions } from './sqlPaymentQueries.js';

/** `?` placeholders to `$1…$n` (the shared SQL has no literal question marks). */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

export class PostgresPaymentQueries extends SqlPaymentQueries {
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly pool: pg.Pool,
    options: SqlPaymentQueriesOptions,
  ) {
    super(options);
  }

  protected async rows(sql: string, params: unknown[]): Promise<Row[]> {
    let text = this.texts.get(sql);
    if (text === undefined) {
      text = numbered(sql);
      this.texts.set(sql, text);
    }
    const { rows } = await this.pool.query(text, params);
    return rows as Row[];
  }
}
