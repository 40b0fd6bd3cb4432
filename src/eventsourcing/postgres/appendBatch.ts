/**
 * Runs one group-commit batch as the single statement in sql/append_batch.sql and reports, per
 * append, whether it was written, failed its expectedVersion check, or was blocked (a given
 * event id or its idempotency key already stored: the store then decides replay or error).
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { AppendResult, EventMetadata, RecordedEvent } from '../eventStore.js';
import type { PreparedAppend } from '../validation.js';
import { pgCheckpoint } from './rows.js';

export const APPEND_BATCH_SQL = readFileSync(new URL('./sql/append_batch.sql', import.meta.url), 'utf8');

interface Variant {
  idem: boolean;
  outbox: boolean;
  syncOff: boolean;
}

/** The statement without the parts a batch does not use: fewer plan nodes to start and run. */
function variantSql(v: Variant): string {
  return APPEND_BATCH_SQL.replace(
    /^\s*-- @if (\w+)\n([\s\S]*?)^\s*-- @end\n/gm,
    (_, flag: string, body: string) => (v[flag as keyof Variant] ? body : ''),
  );
}

const variants = new Map<string, string>();
function sqlFor(v: Variant): { key: string; text: string } {
  const key = `${v.idem ? 'i' : ''}${v.outbox ? 'o' : ''}${v.syncOff ? 's' : ''}`;
  let text = variants.get(key);
  if (text === undefined) {
    text = variantSql(v);
    variants.set(key, text);
  }
  return { key, text };
}

let eventsWritten = 0;

/**
 * A named (prepared) statement saves its planning, several ms under load, on every batch. But
 * PostgreSQL keeps the generic plan made while the tables were small — hash joins over sequential
 * scans of events and streams, O(table) per batch once they have grown. So the name changes each
 * time this process's appends grow sixteenfold: every connection re-plans against the current
 * table sizes a bounded number of times (at most 16 names per variant), and once the tables are
 * past a few pages the index plans stay right.
 */
function statementName(variant: string): string {
  return `paystream_append_batch_${variant}_${Math.min(15, Math.floor(Math.log2(eventsWritten + 1) / 4))}`;
}

export type AppendStatus = 'ok' | 'conflict' | 'blocked';

export interface AppendOutcome {
  status: AppendStatus;
  /** Stream version seen by the statement (undefined: no stream), for ConcurrencyError. */
  seenVersion: number | undefined;
  /** When ok: positions of the events, in order, and the version of the last one. */
  positions: number[];
  lastVersion: number;
  checkpoint: string;
  xid: bigint;
  /** When ok: the events as stored (built on demand: only inline hooks need them). */
  events: () => RecordedEvent[];
}

interface BatchRow {
  idx: number;
  status: AppendStatus;
  cur: string | null;
  version: string | null;
  positions: string[] | null;
  versions: string[] | null;
  xid: string;
  recorded_at: Date;
}

function kindOf(p: PreparedAppend): [string, number] {
  return typeof p.expectedVersion === 'number' ? ['exact', p.expectedVersion] : [p.expectedVersion, 0];
}

/** Appends one row to column arrays. */
function push(columns: unknown[][], row: unknown[]): void {
  for (let c = 0; c < row.length; c++) columns[c]!.push(row[c]);
}

/** The 22 parameters of append_batch.sql; appends must be non-empty and pairwise independent. */
export function batchParams(batch: PreparedAppend[], synchronousCommit: 'on' | 'off'): unknown[] {
  const a: unknown[][] = [[], [], [], [], [], [], [], []];
  const e: unknown[][] = [[], [], [], [], [], [], []];
  const o: unknown[][] = [[], [], [], [], [], []];
  batch.forEach((p, i) => {
    const [kind, expected] = kindOf(p);
    const row: unknown[] = [i, p.streamId, kind, expected, p.events.length];
    row.push(
      p.idempotency?.key ?? null,
      p.idempotency?.requestHash ?? null,
      p.idempotency?.responseJson ?? null,
    );
    push(a, row);
    p.events.forEach((ev, s) => {
      const cols = [i, s + 1, ev.id, ev.type, ev.schemaVersion, ev.dataJson, ev.metadataJson];
      push(e, cols);
    });
    for (const m of p.outbox) {
      push(o, [i, m.id, m.kind, m.dedupKey, m.payloadJson, m.availableAt]);
    }
  });
  return [...a, ...e, ...o, synchronousCommit];
}

function positionsOf(row: BatchRow, count: number): number[] {
  const first = Number(row.version) - count + 1;
  const positions: number[] = [];
  for (const [i, v] of row.versions!.entries()) positions[Number(v) - first] = Number(row.positions![i]);
  return positions;
}

function recorded(p: PreparedAppend, row: BatchRow, positions: number[]): RecordedEvent[] {
  const first = Number(row.version) - p.events.length + 1;
  return p.events.map((ev, i) => ({
    id: ev.id,
    streamId: p.streamId,
    streamVersion: first + i,
    globalPosition: positions[i]!,
    checkpoint: pgCheckpoint(row.xid, positions[i]!),
    type: ev.type,
    schemaVersion: ev.schemaVersion,
    data: JSON.parse(ev.dataJson) as unknown,
    metadata: JSON.parse(ev.metadataJson) as EventMetadata,
    recordedAt: row.recorded_at,
  }));
}

function outcomeOf(p: PreparedAppend, row: BatchRow): AppendOutcome {
  const seenVersion = row.cur === null ? undefined : Number(row.cur);
  if (row.status !== 'ok') {
    return {
      status: row.status,
      seenVersion,
      positions: [],
      lastVersion: 0,
      checkpoint: '',
      xid: 0n,
      events: () => [],
    };
  }
  const positions = positionsOf(row, p.events.length);
  return {
    status: 'ok',
    seenVersion,
    positions,
    lastVersion: Number(row.version),
    checkpoint: pgCheckpoint(row.xid, positions[positions.length - 1]!),
    xid: BigInt(row.xid),
    events: () => recorded(p, row, positions),
  };
}

/** Executes the batch statement on `db` (a pool: its own transaction; a client: the caller's). */
export async function runAppendBatch(
  db: pg.Pool | pg.PoolClient,
  batch: PreparedAppend[],
  synchronousCommit: 'on' | 'off',
): Promise<AppendOutcome[]> {
  const { key, text } = sqlFor({
    idem: batch.some((p) => p.idempotency !== undefined),
    outbox: batch.some((p) => p.outbox.length > 0),
    syncOff: synchronousCommit === 'off',
  });
  const res = await db.query<BatchRow>({
    name: statementName(key),
    text,
    values: batchParams(batch, synchronousCommit),
  });
  eventsWritten += batch.reduce((n, p) => n + p.events.length, 0);
  return res.rows.map((row) => outcomeOf(batch[row.idx]!, row));
}

/** The AppendResult of an append the batch wrote. */
export function writtenResult(p: PreparedAppend, o: AppendOutcome): AppendResult {
  return {
    streamId: p.streamId,
    nextExpectedVersion: o.lastVersion,
    globalPositions: o.positions,
    checkpoint: o.checkpoint,
    globalPosition: o.positions[o.positions.length - 1]!,
    written: true,
  };
}
