import {
  eventStoreContract,
  snapshotStoreContract,
} from '../../src/eventsourcing/testing/eventStoreContract.js';
import { openTempStore } from './sqliteTemp.js';

eventStoreContract('sqlite', async () => {
  const { store, cleanup } = openTempStore();
  return {
    store,
    cleanup,
    readOutbox: async () =>
      store.db
        .prepare('SELECT dedup_key AS dedupKey, kind, stream_id AS streamId FROM outbox_messages')
        .all() as { dedupKey: string; kind: string; streamId: string }[],
  };
});

snapshotStoreContract('sqlite', async () => openTempStore());
