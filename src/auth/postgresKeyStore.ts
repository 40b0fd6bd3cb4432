/** ApiKeyStore on PostgreSQL (pg); the table comes from AUTH_POSTGRES_MIGRATIONS. */
import type pg from 'pg';
import type { ApiKeyRecord, ApiKeyStore, Scope } from './keys.js';

interface Row {
  id: string;
  name: string;
  scopes: Scope[];
  secret_hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, scopes, secret_hash, created_at, revoked_at';

function toRecord(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function toParams(r: ApiKeyRecord): unknown[] {
  return [r.id, r.name, r.scopes, r.secretHash, r.createdAt, r.revokedAt];
}

export class PostgresApiKeyStore implements ApiKeyStore {
  /** `pool` must reach a database with the 'auth' set applied (migratePostgres(pool, [AUTH_POSTGRES_MIGRATIONS])). */
  constructor(private readonly pool: pg.Pool) {}

  async insert(record: ApiKeyRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`,
      toParams(record),
    );
  }

  async insertIfEmpty(record: ApiKeyRecord): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Under READ COMMITTED two processes could both see an empty table; the lock serialises them.
      await client.query('LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE');
      const res = await client.query(
        `INSERT INTO api_keys (${COLUMNS}) SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM api_keys)`,
        toParams(record),
      );
      await client.query('COMMIT');
      return res.rowCount === 1;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const res = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const res = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`);
    return res.rows.map(toRecord);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const res = await this.pool.query(
      'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [at, id],
    );
    return res.rowCount === 1;
  }
}
