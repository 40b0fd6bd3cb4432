/**
 * Projection transactions on SQLite (better-sqlite3): each batch is one synchronous transaction
 * holding the read-model writes and the checkpoint, so nothing else in the process interleaves
 * and another process waits on SQLite's write lock.
 */
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../eventStore.js';
import {
  type BatchResult,
  type BatchTarget,
  type CheckpointRecord,
  type CheckpointRow,
  checkpointRecord,
  eventsFor,
  type Projection,
  type ProjectionDb,
  type ProjectionStatus,
  shadowIndexName,
  shadowName,
} from './projection.js';

type Db = Database.Database;
export type SqliteProjection = Projection<Db>;

const UPSERT_STATUS = `INSERT INTO projection_checkpoints (name, updated_at, status, version, error)
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET status = excluded.status,
    version = CASE WHEN projection_checkpoints.version = 0 THEN excluded.version ELSE projection_checkpoints.version END,
    error = excluded.error, updated_at = excluded.updated_at`;

const WRITE_CHECKPOINT = `INSERT INTO projection_checkpoints (name, checkpoint, position, updated_at, status, version)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET checkpoint = excluded.checkpoint, position = excluded.position,
    updated_at = excluded.updated_at, status = excluded.status, error = NULL,
    version = CASE WHEN projection_checkpoints.version = 0 THEN excluded.version ELSE projection_checkpoints.version END`;

export class SqliteProjectionDb implements ProjectionDb<Db> {
  readonly kind = 'sqlite' as const;
  constructor(readonly db: Db) {}

  async getCheckpoint(name: string): Promise<CheckpointRecord | undefined> {
    return this.getCheckpointSync(name);
  }

  getCheckpointSync(name: string): CheckpointRecord | undefined {
    const row = this.db.prepare('SELECT * FROM projection_checkpoints WHERE name = ?').get(name) as
      | CheckpointRow
      | undefined;
    return row ? checkpointRecord(row) : undefined;
  }

  async listCheckpoints(): Promise<CheckpointRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM projection_checkpoints ORDER BY name')
      .all() as CheckpointRow[];
    return rows.map(checkpointRecord);
  }

  async setStatus(name: string, status: ProjectionStatus, version: number, error?: string): Promise<void> {
    this.db.prepare(UPSERT_STATUS).run(name, new Date().toISOString(), status, version, error ?? null);
  }

  async applyBatch(p: Projection<Db>, target: BatchTarget, events: RecordedEvent[]): Promise<BatchResult> {
    // IMMEDIATE: take the write lock before reading the checkpoint, so another process cannot move it between.
    const run = () => this.db.transaction(() => this.applyInTransaction(p, target, events, true)).immediate();
    if (!target.ctx.rebuilding) return run();
    // A shadow batch need not wait for its fsync: lost in a power cut, it is lost together with its
    // shadow checkpoint, and a rebuild always starts over from an empty shadow. In WAL mode NORMAL
    // never corrupts the file, and the next FULL commit syncs these frames too. better-sqlite3 is
    // synchronous, so no append on this connection runs while the setting is relaxed.
    const level = this.db.pragma('synchronous', { simple: true }) as number;
    if (level <= 1 || this.db.pragma('journal_mode', { simple: true }) !== 'wal') return run();
    this.db.pragma('synchronous = NORMAL');
    try {
      return run();
    } finally {
      this.db.pragma(`synchronous = ${level}`);
    }
  }

  /**
   * The batch body, for callers already inside a transaction (the store's inline hook).
   * `skipApplied`: drop events at or before the stored checkpoint (a rebuild may have moved it).
   */
  applyInTransaction(
    p: Projection<Db>,
    target: BatchTarget,
    events: RecordedEvent[],
    skipApplied: boolean,
  ): BatchResult {
    const stored = this.getCheckpointSync(target.checkpointName);
    const from = stored?.checkpoint ?? '';
    const fresh = skipApplied ? events.filter((e) => e.checkpoint > from) : events;
    const last = fresh[fresh.length - 1];
    if (!last) return { applied: 0, checkpoint: from, position: stored?.position ?? 0, ids: [] };
    const mine = eventsFor(p, fresh);
    const ids = mine.length > 0 ? p.applyBatch(this.db, mine, target.ctx) : undefined;
    if (ids instanceof Promise)
      throw new TypeError(`SQLite projection ${p.name}: applyBatch must be synchronous`);
    const [checkpoint, position] =
      last.checkpoint > from ? [last.checkpoint, last.globalPosition] : [from, stored?.position ?? 0];
    this.db
      .prepare(WRITE_CHECKPOINT)
      .run(
        target.checkpointName,
        checkpoint,
        position,
        new Date().toISOString(),
        target.status,
        target.version,
      );
    return { applied: fresh.length, checkpoint, position, ids: ids ?? [] };
  }

  async prepareShadow(p: Projection<Db>): Promise<void> {
    this.db.transaction(() => {
      this.dropShadowSync(p);
      for (const table of p.tables) {
        for (const o of this.schemaOf(table)) {
          if (o.type === 'table') this.db.exec(renameTableDdl(o.sql, table, shadowName(table)));
          else if (/^\s*CREATE\s+UNIQUE/i.test(o.sql)) this.db.exec(shadowIndexDdl(o, table));
        }
      }
    })();
  }

  async indexShadow(p: Projection<Db>): Promise<void> {
    for (const table of p.tables) {
      for (const o of this.schemaOf(table)) {
        if (o.type === 'index' && !/^\s*CREATE\s+UNIQUE/i.test(o.sql)) this.db.exec(shadowIndexDdl(o, table));
      }
    }
  }

  async swapShadow(p: Projection<Db>, version: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        const live = this.getCheckpointSync(p.name);
        const shadow = this.getCheckpointSync(shadowName(p.name));
        if (!shadow) throw new Error(`projection ${p.name}: no shadow to swap in`);
        if (live && live.checkpoint > shadow.checkpoint) return false;
        for (const table of p.tables) {
          this.db.exec(`DROP TABLE IF EXISTS ${table}`);
          this.db.exec(`ALTER TABLE ${shadowName(table)} RENAME TO ${table}`);
        }
        this.db
          .prepare(WRITE_CHECKPOINT)
          .run(
            p.name,
            shadow.checkpoint,
            shadow.position,
            new Date().toISOString(),
            live?.status ?? 'stopped',
            version,
          );
        this.db.prepare('UPDATE projection_checkpoints SET version = ? WHERE name = ?').run(version, p.name);
        this.db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(shadowName(p.name));
        return true;
      })
      .immediate();
  }

  async dropShadow(p: Projection<Db>): Promise<void> {
    this.db.transaction(() => this.dropShadowSync(p))();
  }

  private dropShadowSync(p: Projection<Db>): void {
    for (const table of p.tables) this.db.exec(`DROP TABLE IF EXISTS ${shadowName(table)}`);
    this.db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(shadowName(p.name));
  }

  private schemaOf(table: string): Array<{ type: string; name: string; sql: string }> {
    return this.db
      .prepare(
        `SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC`,
      )
      .all(table) as Array<{ type: string; name: string; sql: string }>;
  }
}

function renameTableDdl(sql: string, from: string, to: string): string {
  const re = new RegExp(`^(\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?)(["\`]?)${from}\\2`, 'i');
  if (!re.test(sql)) throw new Error(`cannot shadow table ${from}: unexpected DDL`);
  return sql.replace(re, `$1${to}`);
}

function shadowIndexDdl(o: { name: string; sql: string }, table: string): string {
  const re = new RegExp(
    `^(\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?)(["\`]?)${o.name}\\2(\\s+ON\\s+)(["\`]?)${table}\\4`,
    'i',
  );
  if (!re.test(o.sql)) throw new Error(`cannot shadow index ${o.name}: unexpected DDL`);
  return o.sql.replace(re, `$1${shadowIndexName(o.name)}$3${shadowName(table)}`);
}
