/**
 * Emmett 0.42 (the peer measured by bench/peers.ts) behind a tiny adapter: one event per append,
 * with the expected-version vocabulary of paystream's port mapped onto Emmett's
 * (no_stream → STREAM_DOES_NOT_EXIST, stream_exists → STREAM_EXISTS, any → NO_CONCURRENCY_CHECK,
 * a number → that version as a bigint). Lives in bench/peers (its own package, installed with
 * --legacy-peer-deps) so the root install never needs Emmett. Uses the stores exactly as their
 * READMEs/types show: getPostgreSQLEventStore(connectionString) and getSQLiteEventStore({ fileName }),
 * default options (Emmett's own pg pool of default size, a fresh sqlite3 connection per call for a file).
 */
import {
  type Event,
  NO_CONCURRENCY_CHECK,
  STREAM_DOES_NOT_EXIST,
  STREAM_EXISTS,
} from '@event-driven-io/emmett';
import { endPool, getPool } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import sqlite3 from 'sqlite3';
import type { Operation } from '../lib/harness.js';

export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface PeerEvent {
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** The few calls the benchmark and the expected-version probe need. */
export interface PeerStore {
  name: string;
  /** Appends one event; resolves with the stream version after the append. */
  append(stream: string, event: PeerEvent, expected: ExpectedVersion): Promise<number>;
  /** Current stream version as readStream reports it (0 when the stream does not exist). */
  version(stream: string): Promise<number>;
  close(): Promise<void>;
  /** Durability settings the store runs with, as observed. */
  settings: string;
}

type EmmettExpected = bigint | typeof STREAM_EXISTS;

function toEmmett(expected: ExpectedVersion): EmmettExpected {
  if (expected === 'any') return NO_CONCURRENCY_CHECK;
  if (expected === 'no_stream') return STREAM_DOES_NOT_EXIST;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

type Emmett = ReturnType<typeof getPostgreSQLEventStore> | ReturnType<typeof getSQLiteEventStore>;

function adapt(name: string, store: Emmett, settings: string, close: () => Promise<void>): PeerStore {
  return {
    name,
    settings,
    async append(stream, event, expected) {
      const r = await store.appendToStream(stream, [event as Event], {
        expectedStreamVersion: toEmmett(expected),
      });
      return Number(r.nextExpectedStreamVersion);
    },
    async version(stream) {
      return Number((await store.readStream(stream)).currentStreamVersion);
    },
    close,
  };
}

/** Emmett on PostgreSQL; `connectionString` should name a throwaway database (the schema is created on first use). */
export function emmettPostgres(connectionString: string): PeerStore {
  const store = getPostgreSQLEventStore(connectionString);
  // The pg.Pool Emmett uses is dumbo's shared pool for this connection string. pg-pool's end()
  // resolves before its clients' sockets are closed; when the database is then dropped WITH
  // (FORCE), those clients get FATAL 57P01 and the pool re-emits it as 'error': ignore that.
  getPool(connectionString).on('error', () => {});
  return adapt(
    'Emmett PostgreSQL',
    store,
    "server's synchronous_commit (Emmett sets none)",
    async () => {
      await store.close();
      // close() only releases Emmett's use of dumbo's shared pg.Pool (a usage counter); end the pool itself.
      await endPool({ connectionString, force: true });
    },
  );
}

function sqlitePragma(fileName: string, pragma: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(fileName, (e) => {
      if (e) return reject(e);
      db.get(`PRAGMA ${pragma}`, (err, row: Record<string, unknown> | undefined) => {
        db.close();
        if (err) reject(err);
        else resolve(row ? Object.values(row)[0] : undefined);
      });
    });
  });
}

/**
 * Emmett on a SQLite file. Emmett opens a connection per call (journal_mode=WAL, no synchronous
 * pragma): `settings` reports the synchronous level such a connection gets (2 = FULL).
 */
export async function emmettSqlite(fileName: string): Promise<PeerStore> {
  const store = getSQLiteEventStore({ fileName });
  const sync = await sqlitePragma(fileName, 'synchronous');
  const label = ({ 0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA' } as Record<string, string>)[String(sync)];
  return adapt('Emmett SQLite', store, `journal_mode=WAL, synchronous=${label ?? sync} (sqlite3 default)`, () =>
    Promise.resolve(),
  );
}

/** Each call appends one event to a new stream, with expected version 0 (Emmett's enforced "no stream"). */
export function newStreamsOp(store: PeerStore, event: (i: number) => PeerEvent, tag: string): Operation {
  return (i) => store.append(`payment-${tag}-${i}`, event(i), 0);
}

/** Each worker owns one stream (created here) and appends at its exact version, as a command handler would. */
export async function existingStreamsOp(
  store: PeerStore,
  event: (i: number) => PeerEvent,
  tag: string,
  concurrency: number,
): Promise<Operation> {
  const versions = new Array<number>(concurrency).fill(0);
  for (let w = 0; w < concurrency; w++) versions[w] = await store.append(`payment-${tag}-${w}`, event(w), 0);
  return async (i, w) => {
    versions[w] = await store.append(`payment-${tag}-${w}`, event(i), versions[w]!);
  };
}
