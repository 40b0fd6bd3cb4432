/**
 * Runs one group-commit batch as the single statement in sql/append_batch.sql and reports, per
 * append, whether it was written, failed its expectedVersion check, or was blocked (a given
 * event id or its idempotency key already stored: the store then decides replay or error).
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { EventMetadata, RecordedEvent } from '../eventStore.js';
import type { PreparedAppend } from '../validation.js';
import { pgCheckpoint } from './rows.js';

export const APPEND_BATCH_SQL = readFileSync(new URL('./sql/append_batch.sql', import.meta.url), 'utf8');

export type AppendStatus = 'ok' | 'conflict' | 'blocked';

export interface AppendOutcome {
  status: AppendStatus;
  /** Stream version seen by the statement (undefined: no stream), for ConcurrencyError. */
  seenVersion: number | undefined;
  /** When ok: the events as stored. */
  events: RecordedEvent[];
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

function recorded(p: PreparedAppend, row: BatchRow): RecordedEvent[] {
  const first = Number(row.version) - p.events.length + 1;
  const positions: number[] = [];
  row.versions!.forEach((v, i) => {
    positions[Number(v) - first] = Number(row.positions![i]);
  });
  return p.events.map((ev, i) => {
    const position = positions[i]!;
    return {
      id: ev.id,
      streamId: p.streamId,
      streamVersion: first + i,
      globalPosition: position,
      checkpoint: pgCheckpoint(row.xid, position),
      type: ev.type,
      schemaVersion: ev.schemaVersion,
      data: JSON.parse(ev.dataJson) as unknown,
      metadata: JSON.parse(ev.metadataJson) as EventMetadata,
      recordedAt: row.recorded_at,
    };
  });
}

/** Executes the batch statement on `db` (a pool: its own transaction; a client: the caller's). */
export async function runAppendBatch(
  db: pg.Pool | pg.PoolClient,
  batch: PreparedAppend[],
  synchronousCommit: 'on' | 'off',
): Promise<AppendOutcome[]> {
  // Named: parsed and planned once per connection.
  const res = await db.query<BatchRow>({
    name: 'paystream_append_batch',
    text: APPEND_BATCH_SQL,
    values: batchParams(batch, synchronousCommit),
  });
  return res.rows.map((row) => {
    const p = batch[row.idx]!;
    return {
      status: row.status,
      seenVersion: row.cur === null ? undefined : Number(row.cur),
      events: row.status === 'ok' ? recorded(p, row) : [],
    };
  });
}
