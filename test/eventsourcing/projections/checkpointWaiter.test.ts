import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkpointOf } from '../../../src/eventsourcing/eventStore.js';
import { CheckpointWaiter } from '../../../src/eventsourcing/projections/checkpointWaiter.js';

/** A checkpoint table written by "another process": nothing calls advanced() here. */
function remoteSource() {
  let stored = '';
  let reads = 0;
  return {
    source: {
      async readCheckpoint() {
        reads++;
        return stored;
      },
    },
    commit(cp: string) {
      stored = cp;
    },
    reads: () => reads,
  };
}

test('a checkpoint advanced by another process is seen by polling, well before the deadline', async () => {
  const remote = remoteSource();
  const waiter = new CheckpointWaiter(remote.source);
  const started = performance.now();
  const reached = waiter.waitForCheckpoint('payments', checkpointOf(5), 10_000);
  remote.commit(checkpointOf(5));
  assert.equal(await reached, true);
  assert.ok(performance.now() - started < 5_000, 'resolved by a poll, not by the 10 s deadline');
});

test('a wait already satisfied by what polling saw reads nothing more', async () => {
  const remote = remoteSource();
  const waiter = new CheckpointWaiter(remote.source);
  remote.commit(checkpointOf(1));
  const reached = waiter.waitForCheckpoint('payments', checkpointOf(2), 10_000);
  remote.commit(checkpointOf(2));
  assert.equal(await reached, true);
  const readsAfter = remote.reads();
  // A later wait that is already satisfied in memory reads nothing and starts no loop.
  assert.equal(await waiter.waitForCheckpoint('payments', checkpointOf(2), 10_000), true);
  assert.equal(remote.reads(), readsAfter);
});

test('an unreached checkpoint resolves false at the deadline', async () => {
  const remote = remoteSource();
  const waiter = new CheckpointWaiter(remote.source);
  assert.equal(await waiter.waitForCheckpoint('payments', checkpointOf(9), 50), false);
});
