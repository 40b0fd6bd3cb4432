/** The payment queries on the SQLite read models (better-sqlite3: reads are synchronous). */
import type Database from 'better-sqlite3';
import { type Row, SqlPaymentQueries, type SqlPaymentQueriesOptions } from './sqlPaymentQueries.js';

export class SqlitePaymentQueries extends SqlPaymentQueries {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    options: SqlPaymentQueriesOptions,
  ) {
    super(options);
  }

  protected async rows(sql: string, params: unknown[]): Promise<Row[]> {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st.all(...params) as Row[];
  }
}
