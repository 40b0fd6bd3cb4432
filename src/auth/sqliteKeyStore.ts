/** ApiKeyStore on SQLite (better-sqlite3); the table comes from AUTH_SQLITE_MIGRATIONS. */
import type Database from 'better-sqlite3';
import type { ApiKeyRecord, ApiKeyStore, Scope } from './keys.js';

interface Row {
  id: string;
  name: string;
  scopes: string;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
}

const COLUMNS = 'id, name, scopes, secret_hash, created_at, revoked_at';

function toRecord(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Scope[],
    secretHash: row.secret_hash,
    createdAt: new Date(row.created_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
  };
}

function toParams(r: ApiKeyRecord): unknown[] {
  return [
    r.id,
    r.name,
    JSON.stringify(r.scopes),
    r.secretHash,
    r.createdAt.getTime(),
    r.revokedAt?.getTime() ?? null,
  ];
}

export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly stmts;

  /** `db` must have the 'auth' migration set applied (migrateSqlite(db, [AUTH_SQLITE_MIGRATIONS])). */
  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO api_keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`),
      insertIfEmpty: db.prepare(
        `INSERT INTO api_keys (${COLUMNS}) SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM api_keys)`,
      ),
      get: db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`),
      list: db.prepare<[], Row>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`),
      revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    };
  }

  async insert(record: ApiKeyRecord): Promise<void> {
    this.stmts.insert.run(...toParams(record));
  }

  async insertIfEmpty(record: ApiKeyRecord): Promise<boolean> {
    // One statement, so SQLite's single writer makes the check and the insert atomic.
    return this.stmts.insertIfEmpty.run(...toParams(record)).changes === 1;
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.stmts.get.get(id);
    return row ? toRecord(row) : undefined;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.stmts.list.all().map(toRecord);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    return this.stmts.revoke.run(at.getTime(), id).changes === 1;
  }
}
