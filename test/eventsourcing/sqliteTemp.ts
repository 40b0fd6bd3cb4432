import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SqliteEventStore,
  type SqliteEventStoreOptions,
} from '../../src/eventsourcing/sqlite/sqliteEventStore.js';

/** A SqliteEventStore on a file in a fresh temp dir; cleanup closes it and removes the dir. */
export function openTempStore(options: Partial<SqliteEventStoreOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-sqlite-'));
  const path = join(dir, 'events.db');
  const store = new SqliteEventStore({ path, pollIntervalMs: 50, ...options });
  const cleanup = async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { store, dir, path, cleanup };
}
