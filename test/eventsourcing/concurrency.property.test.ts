import { describe, it } from 'node:test';
import { MemoryEventStore } from '../../src/eventsourcing/memory/memoryEventStore.js';
import { checkConcurrencyProperty } from '../../src/eventsourcing/testing/concurrencyProperty.js';
import { openTempStore } from './sqliteTemp.js';

describe('concurrent writers with retry on conflict lose nothing and duplicate nothing', () => {
  it('memory', () =>
    checkConcurrencyProperty(async () => {
      const store = new MemoryEventStore();
      return { store, cleanup: () => store.close() };
    }));

  it('sqlite (group commit)', () => checkConcurrencyProperty(async () => openTempStore()));
});
