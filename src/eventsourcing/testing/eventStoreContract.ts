/**
 * The conformance suites every event store adapter runs (memory, SQLite, PostgreSQL):
 *   eventStoreContract('sqlite', async () => ({ store, cleanup, readOutbox }));
 *   snapshotStoreContract('sqlite', async () => ({ store, cleanup }));
 * They register node:test cases. Each case calls the factory once and cleans up after itself;
 * cases never assume an empty store (they work in their own stream namespace), so a factory may
 * hand out the same database every time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../shared/errors.js';
import type { SnapshotStore } from '../eventStore.js';
import { appendCases } from './contract/appendCases.js';
import { readCases } from './contract/readCases.js';
import { replayCases } from './contract/replayCases.js';
import { sideRowCases } from './contract/sideRowCases.js';
import { subscriptionCases } from './contract/subscriptionCases.js';
import type { MakeContractStore } from './contract/support.js';

export type { ContractStore, MakeContractStore, OutboxRowView } from './contract/support.js';

export function eventStoreContract(name: string, makeStore: MakeContractStore): void {
  describe(`event store contract: ${name}`, () => {
    appendCases(makeStore);
    replayCases(makeStore);
    readCases(makeStore);
    subscriptionCases(makeStore);
    sideRowCases(makeStore);
  });
}

export type MakeSnapshotStore = () => Promise<{ store: SnapshotStore; cleanup: () => Promise<void> }>;

async function withSnapshots(make: MakeSnapshotStore, fn: (s: SnapshotStore, id: string) => Promise<void>) {
  const { store, cleanup } = await make();
  try {
    await fn(store, `snap-${Math.random().toString(36).slice(2)}`);
  } finally {
    await cleanup();
  }
}

export function snapshotStoreContract(name: string, makeStore: MakeSnapshotStore): void {
  const at = new Date('2026-05-01T12:00:00.123Z');
  const snap = (streamId: string, version: number, schemaVersion = 1, state: unknown = { v: version }) => ({
    streamId,
    version,
    schemaVersion,
    state,
    takenAt: at,
  });

  describe(`snapshot store contract: ${name}`, () => {
    it('loads undefined for a stream without a snapshot, then what was saved', () =>
      withSnapshots(makeStore, async (store, id) => {
        assert.equal(await store.loadSnapshot(id), undefined);
        const s = snap(id, 7, 2, { balance: 1250, items: ['a', 'ü'], nested: { ok: true } });
        await store.saveSnapshot(s);
        assert.deepEqual(await store.loadSnapshot(id), s);
      }));

    it('a newer snapshot replaces an older one, never the other way round', () =>
      withSnapshots(makeStore, async (store, id) => {
        await store.saveSnapshot(snap(id, 5));
        await store.saveSnapshot(snap(id, 9));
        assert.equal((await store.loadSnapshot(id))?.version, 9);
        await store.saveSnapshot(snap(id, 6));
        assert.deepEqual((await store.loadSnapshot(id))?.state, { v: 9 });
      }));

    it('a snapshot of another schemaVersion replaces the stored one whatever its version', () =>
      withSnapshots(makeStore, async (store, id) => {
        await store.saveSnapshot(snap(id, 9, 1));
        await store.saveSnapshot(snap(id, 4, 2));
        assert.deepEqual(await store.loadSnapshot(id), snap(id, 4, 2));
      }));

    it('rejects bad snapshots with ValidationError and keeps the stored one', () =>
      withSnapshots(makeStore, async (store, id) => {
        await store.saveSnapshot(snap(id, 3));
        const isValidation = (e: unknown) => e instanceof ValidationError;
        await assert.rejects(store.saveSnapshot(snap(id, 0)), isValidation);
        await assert.rejects(store.saveSnapshot(snap(id, 4, 0)), isValidation);
        await assert.rejects(store.saveSnapshot(snap(id, 4, 1, { n: 1n })), isValidation);
        await assert.rejects(store.saveSnapshot(snap('', 4)), isValidation);
        assert.deepEqual(await store.loadSnapshot(id), snap(id, 3));
      }));
  });
}
