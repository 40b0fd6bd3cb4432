/**
 * The projection runtime's contracts. A projection turns events into read-model rows; the runtime
 * (projector.ts) feeds it batches and stores its checkpoint in the SAME transaction as the rows it
 * writes, through a database adapter (sqliteProjectionDb.ts, postgresProjectionDb.ts).
 * Nothing here knows about payments.
 */
import { fileURLToPath } from 'node:url';
import type { RecordedEvent } from '../eventStore.js';
import type { MigrationSet } from '../migrations.js';

export type ProjectionStatus = 'running' | 'stopped' | 'rebuilding' | 'failed';

/** Where a batch writes: the live tables, or the shadow tables of a rebuild. */
export interface ApplyContext {
  /** Physical name of one of the projection's tables. */
  table(logical: string): string;
  /** True while building shadow tables (a rebuild). */
  readonly rebuilding: boolean;
}

/**
 * A projection for a database whose transaction handle is `Tx` (better-sqlite3 Database for
 * SQLite: applyBatch must then be synchronous; a pg PoolClient for PostgreSQL).
 */
export interface Projection<Tx> {
  /** Stable name; the checkpoint row's key. */
  name: string;
  /** Bump when the read model's meaning changes: status then reports that a rebuild is due. */
  version: number;
  /** Event types it reads; others never reach applyBatch. */
  eventTypes: readonly string[];
  streamPrefix?: string;
  /** Logical names of the tables it owns: a rebuild shadows and swaps exactly these. */
  tables: readonly string[];
  /** Ids of the entities `events` change: inline projections report their changes with it. */
  idsOf?(events: RecordedEvent[]): string[];
  /**
   * Writes the change for `events` (checkpoint order, none applied before) through `tx`.
   * Returns the ids of the read-model entities it changed (for cache invalidation), if any.
   * Must not commit: the runtime commits it together with the checkpoint.
   */
  applyBatch(
    tx: Tx,
    events: RecordedEvent[],
    ctx: ApplyContext,
  ): string[] | undefined | Promise<string[] | undefined>;
}

export interface CheckpointRecord {
  name: string;
  checkpoint: string;
  position: number;
  updatedAt: Date;
  status: ProjectionStatus;
  version: number;
  error: string | null;
}

/** A `projection_checkpoints` row as either driver returns it (SQLite text time, pg Date / bigint text). */
export interface CheckpointRow {
  name: string;
  checkpoint: string;
  position: string | number;
  updated_at: string | Date;
  status: string;
  version: number;
  error: string | null;
}

export function checkpointRecord(r: CheckpointRow): CheckpointRecord {
  return {
    name: r.name,
    checkpoint: r.checkpoint,
    position: Number(r.position),
    updatedAt: r.updated_at instanceof Date ? r.updated_at : new Date(r.updated_at),
    status: r.status as ProjectionStatus,
    version: Number(r.version),
    error: r.error,
  };
}

export interface BatchResult {
  /** Events actually applied (those after the stored checkpoint). */
  applied: number;
  checkpoint: string;
  position: number;
  ids: string[];
}

/**
 * Checkpoint and read-model transactions of one database kind. Each method that writes runs one
 * transaction; applyBatch locks the checkpoint row, skips events at or before it, applies the
 * rest and moves the checkpoint, so no event is ever applied twice.
 */
export interface ProjectionDb<Tx> {
  readonly kind: 'sqlite' | 'postgres';
  getCheckpoint(name: string): Promise<CheckpointRecord | undefined>;
  listCheckpoints(): Promise<CheckpointRecord[]>;
  /** Creates the row when missing; sets status (and error, cleared when undefined). */
  setStatus(name: string, status: ProjectionStatus, version: number, error?: string): Promise<void>;
  applyBatch(p: Projection<Tx>, target: BatchTarget, events: RecordedEvent[]): Promise<BatchResult>;
  /** Drops any previous shadow, creates empty shadow tables shaped like the live ones. */
  prepareShadow(p: Projection<Tx>): Promise<void>;
  /** Adds the shadow's secondary indexes (deferred so the bulk load is faster). */
  indexShadow(p: Projection<Tx>): Promise<void>;
  /**
   * In one transaction: if the live checkpoint is not ahead of the shadow's, replaces the live
   * tables by the shadow ones and sets the live checkpoint to the shadow's. False when the live
   * projection is ahead (the caller catches the shadow up and tries again).
   */
  swapShadow(p: Projection<Tx>, version: number): Promise<boolean>;
  dropShadow(p: Projection<Tx>): Promise<void>;
}

export interface BatchTarget {
  /** Checkpoint row name: the projection's, or `${name}__shadow`. */
  checkpointName: string;
  ctx: ApplyContext;
  status: ProjectionStatus;
  version: number;
}

export const SHADOW_SUFFIX = '__shadow';
/** SQLite cannot rename an index: shadow index names alternate between `x` and `x__s`. */
export const INDEX_SHADOW_SUFFIX = '__s';

export function shadowName(name: string): string {
  return `${name}${SHADOW_SUFFIX}`;
}
export function shadowIndexName(indexName: string): string {
  return indexName.endsWith(INDEX_SHADOW_SUFFIX)
    ? indexName.slice(0, -INDEX_SHADOW_SUFFIX.length)
    : `${indexName}${INDEX_SHADOW_SUFFIX}`;
}

export function liveTarget(p: { name: string; version: number }, status: ProjectionStatus): BatchTarget {
  return {
    checkpointName: p.name,
    ctx: { table: (t) => t, rebuilding: false },
    status,
    version: p.version,
  };
}
export function shadowTarget(p: { name: string; version: number }): BatchTarget {
  return {
    checkpointName: shadowName(p.name),
    ctx: { table: shadowName, rebuilding: true },
    status: 'rebuilding',
    version: p.version,
  };
}

/** The events a projection handles, in the given order. */
export function eventsFor(
  p: { eventTypes: readonly string[]; streamPrefix?: string },
  events: RecordedEvent[],
): RecordedEvent[] {
  const types = new Set(p.eventTypes);
  return events.filter(
    (e) => types.has(e.type) && (p.streamPrefix === undefined || e.streamId.startsWith(p.streamPrefix)),
  );
}

/** The checkpoint table's migrations (module 'projection-runtime'). */
export function projectionRuntimeMigrations(db: 'sqlite' | 'postgres'): MigrationSet {
  return {
    module: 'projection-runtime',
    dir: fileURLToPath(new URL(`./sql/${db}/`, import.meta.url)),
  };
}
