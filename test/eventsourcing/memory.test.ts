import { MemoryEventStore } from '../../src/eventsourcing/memory/memoryEventStore.js';
import {
  eventStoreContract,
  snapshotStoreContract,
} from '../../src/eventsourcing/testing/eventStoreContract.js';

eventStoreContract('memory', async () => {
  const store = new MemoryEventStore();
  return {
    store,
    cleanup: () => store.close(),
    readOutbox: async () => store.outbox.all(),
  };
});

snapshotStoreContract('memory', async () => ({ store: new MemoryEventStore(), cleanup: async () => {} }));
