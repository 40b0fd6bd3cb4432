import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryEventStore } from '../../src/eventsourcing/memory/memoryEventStore.js';
import { ConcurrencyError } from '../../src/shared/errors.js';

describe('MemoryEventStore basics', () => {
  it('appends, reads and enforces expectedVersion', async () => {
    const s = new MemoryEventStore();
    const r = await s.append(
      'a',
      [
        { type: 'x', data: { n: 1 } },
        { type: 'y', data: { n: 2 } },
      ],
      {
        expectedVersion: 'no_stream',
        outbox: [{ kind: 'k', dedupKey: 'd1', payload: {} }],
      },
    );
    assert.equal(r.nextExpectedVersion, 2);
    assert.deepEqual(r.globalPositions, [1, 2]);
    assert.equal(s.outbox.size, 1);
    await assert.rejects(s.append('a', [{ type: 'z', data: 0 }], { expectedVersion: 1 }), ConcurrencyError);
    const events = await s.readStream('a');
    assert.deepEqual(
      events.map((e) => e.data),
      [{ n: 1 }, { n: 2 }],
    );
    await s.close();
  });
});
