/**
 * Projection transactions on PostgreSQL: each batch takes the checkpoint row FOR UPDATE first, so
 * two projectors (or a projector and a rebuild swap) serialise on it, then writes the read-model
 * change and the checkpoint before one COMMIT.
 */
import type pg from 'pg';
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

export type PgTx = pg.PoolClient;
export type PostgresProjection = Projection<PgTx>;

const SELECT = 'SELECT * FROM projection_checkpoints WHERE name = $1';
const WRITE_CHECKPOINT = `INSERT INTO projection_checkpoints (name, checkpoint, position, updated_at, status, version)
  VALUES ($1, $2, $3, now(), $4, $5)
  ON CONFLICT (name) DO UPDATE SET checkpoint = excluded.checkpoint, position = excluded.position,
    updated_at = now(), status = excluded.status, error = NULL,
    version = CASE WHEN projection_checkpoints.version = 0 THEN excluded.version ELSE projection_checkpoints.version END`;

/** `begin`: the statement(s) opening the transaction, sent as one simple query (one round trip). */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (tx: PgTx) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

export class PostgresProjectionDb implements ProjectionDb<PgTx> {
  readonly kind = 'postgres' as const;
  constructor(readonly pool: pg.Pool) {}

  async getCheckpoint(name: string): Promise<CheckpointRecord | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>(SELECT, [name]);
    return rows[0] ? checkpointRecord(rows[0]) : undefined;
  }

  async listCheckpoints(): Promise<CheckpointRecord[]> {
    const { rows } = await this.pool.query<CheckpointRow>(
      'SELECT * FROM projection_checkpoints ORDER BY name',
    );
    return rows.map(checkpointRecord);
  }

  async setStatus(name: string, status: ProjectionStatus, version: number, error?: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO projection_checkpoints (name, status, version, error) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET status = excluded.status,
    version = CASE WHEN projection_checkpoints.version = 0 THEN excluded.version ELSE projection_checkpoints.version END,
         error = excluded.error, updated_at = now()`,
      [name, status, version, error ?? null],
    );
  }

  async applyBatch(
    p: PostgresProjection,
    target: BatchTarget,
    events: RecordedEvent[],
  ): Promise<BatchResult> {
    // A shadow batch lost in a crash is lost with its checkpoint and rebuilt again (a rebuild is
    // re-run from the log): no need to wait for the WAL flush. Live batches and the swap itself
    // stay synchronous.
    const begin = target.ctx.rebuilding ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN';
    return inTransaction(this.pool, (tx) => this.applyInTransaction(tx, p, target, events, true), begin);
  }

  /**
   * The batch body inside the caller's transaction. `skipApplied` false is for the inline hook:
   * concurrent appends may commit out of checkpoint order, so it applies every event it is given
   * and only moves the checkpoint forward (GREATEST).
   */
  async applyInTransaction(
    tx: PgTx,
    p: PostgresProjection,
    target: BatchTarget,
    events: RecordedEvent[],
    skipApplied: boolean,
  ): Promise<BatchResult> {
    await tx.query(
      `INSERT INTO projection_checkpoints (name, status, version) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
      [target.checkpointName, target.status, target.version],
    );
    const { rows } = await tx.query<CheckpointRow>(`${SELECT} FOR UPDATE`, [target.checkpointName]);
    const stored = checkpointRecord(rows[0]!);
    const fresh = skipApplied ? events.filter((e) => e.checkpoint > stored.checkpoint) : events;
    const last = fresh[fresh.length - 1];
    if (!last) return { applied: 0, checkpoint: stored.checkpoint, position: stored.position, ids: [] };
    const mine = eventsFor(p, fresh);
    const ids = (mine.length > 0 ? await p.applyBatch(tx, mine, target.ctx) : undefined) ?? [];
    const ahead = last.checkpoint > stored.checkpoint;
    const checkpoint = ahead ? last.checkpoint : stored.checkpoint;
    const position = ahead ? last.globalPosition : stored.position;
    await tx.query(WRITE_CHECKPOINT, [
      target.checkpointName,
      checkpoint,
      position,
      target.status,
      target.version,
    ]);
    return { applied: fresh.length, checkpoint, position, ids };
  }

  async prepareShadow(p: PostgresProjection): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      await dropShadowIn(tx, p);
      for (const table of p.tables) {
        await tx.query(
          `CREATE TABLE ${shadowName(table)} (LIKE ${table} INCLUDING ALL EXCLUDING INDEXES EXCLUDING CONSTRAINTS)`,
        );
        for (const ix of await indexesOf(tx, table)) if (ix.unique) await tx.query(shadowIndexDdl(ix, table));
      }
    });
  }

  async indexShadow(p: PostgresProjection): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      for (const table of p.tables) {
        for (const ix of await indexesOf(tx, table))
          if (!ix.unique) await tx.query(shadowIndexDdl(ix, table));
      }
    });
  }

  async swapShadow(p: PostgresProjection, version: number): Promise<boolean> {
    return inTransaction(this.pool, async (tx) => {
      await tx.query(
        `INSERT INTO projection_checkpoints (name, status, version) VALUES ($1, 'stopped', $2) ON CONFLICT (name) DO NOTHING`,
        [p.name, version],
      );
      const live = checkpointRecord(
        (await tx.query<CheckpointRow>(`${SELECT} FOR UPDATE`, [p.name])).rows[0]!,
      );
      const shadowRow = (await tx.query<CheckpointRow>(SELECT, [shadowName(p.name)])).rows[0];
      if (!shadowRow) throw new Error(`projection ${p.name}: no shadow to swap in`);
      const shadow = checkpointRecord(shadowRow);
      if (live.checkpoint > shadow.checkpoint) return false;
      for (const table of p.tables) {
        await tx.query(`DROP TABLE IF EXISTS ${table}`);
        await tx.query(`ALTER TABLE ${shadowName(table)} RENAME TO ${table}`);
      }
      await tx.query(WRITE_CHECKPOINT, [p.name, shadow.checkpoint, shadow.position, live.status, version]);
      await tx.query('UPDATE projection_checkpoints SET version = $1 WHERE name = $2', [version, p.name]);
      await tx.query('DELETE FROM projection_checkpoints WHERE name = $1', [shadowName(p.name)]);
      return true;
    });
  }

  async dropShadow(p: PostgresProjection): Promise<void> {
    await inTransaction(this.pool, (tx) => dropShadowIn(tx, p));
  }
}

async function dropShadowIn(tx: PgTx, p: PostgresProjection): Promise<void> {
  for (const table of p.tables) await tx.query(`DROP TABLE IF EXISTS ${shadowName(table)}`);
  await tx.query('DELETE FROM projection_checkpoints WHERE name = $1', [shadowName(p.name)]);
}

interface IndexInfo {
  name: string;
  def: string;
  unique: boolean;
}

async function indexesOf(tx: PgTx, table: string): Promise<IndexInfo[]> {
  const { rows } = await tx.query<{ name: string; def: string; unique: boolean }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, x.indisunique AS unique
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace ORDER BY i.relname`,
    [table],
  );
  return rows;
}

function shadowIndexDdl(ix: IndexInfo, table: string): string {
  const re = new RegExp(
    `^(CREATE (?:UNIQUE )?INDEX )"?${ix.name}"?( ON (?:ONLY )?(?:\\w+\\.)?)"?${table}"?( )`,
  );
  if (!re.test(ix.def)) throw new Error(`cannot shadow index ${ix.name}: unexpected definition`);
  return ix.def.replace(re, `$1${shadowIndexName(ix.name)}$2${shadowName(table)}$3`);
}
