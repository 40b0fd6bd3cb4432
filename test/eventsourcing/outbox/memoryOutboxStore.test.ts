import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { MemoryOutboxStore } from '../../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { outboxStoreContract } from '../../../src/eventsourcing/testing/outboxContract.js';

outboxStoreContract('memory', async () => {
  let es = new MemoryEventStore();
  return {
    openStore: (clock) => new MemoryOutboxStore(es.outbox, clock),
    enqueue: async (streamId, messages) => {
      await es.append(streamId, [{ type: 'Asked', data: {} }], { outbox: messages });
    },
    reset: async () => {
      await es.close();
      es = new MemoryEventStore();
    },
    close: () => es.close(),
  };
});
