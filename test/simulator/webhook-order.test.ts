import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { addEndpoint } from '../../src/simulator/admin.js';
import type { WebhookFault } from '../../src/simulator/faults.js';
import type { WireEvent } from '../../src/simulator/objects.js';
import { SimState } from '../../src/simulator/state.js';
import { DEFAULT_WEBHOOK_RETRY, WebhookDispatcher } from '../../src/simulator/webhooks.js';
import { type Receiver, startReceiver } from './support/receiver.js';

const none: WebhookFault = { drop: false, duplicate: false, reorder: false, delayMs: 0 };

function event(id: string): WireEvent {
  return {
    id,
    object: 'event',
    api_version: 'x',
    created: 1,
    data: { object: { id: `pi_${id}` } },
    livemode: false,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type: 'payment_intent.created',
  };
}

const receivers: Receiver[] = [];
after(async () => {
  for (const r of receivers) await r.close();
});

async function dispatcher(script: WebhookFault[]) {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const state = new SimState();
  addEndpoint(state, { url: receiver.url, secret: 'whsec_x' });
  const faults = { nextWebhookFault: () => script.shift() ?? none };
  const d = new WebhookDispatcher(
    state,
    faults,
    { ...DEFAULT_WEBHOOK_RETRY, reorderHoldMs: 10_000 },
    Date.now,
  );
  return { d, receiver, state };
}

describe('webhook reorder and delay faults', () => {
  it('a reordered delivery is overtaken by the next one', async () => {
    const { d, receiver, state } = await dispatcher([{ ...none, reorder: true }, none, none]);
    for (const id of ['evt_1', 'evt_2', 'evt_3']) {
      const e = event(id);
      state.events.put(e.id, e);
      d.enqueue(e);
    }
    await d.idle();
    const order = receiver.received.map((r) => r.event.id);
    assert.equal(order.length, 3);
    assert.ok(order.indexOf('evt_2') < order.indexOf('evt_1'), `evt_2 overtook evt_1: ${order}`);
    d.close();
  });

  it('a held delivery with nothing to overtake it still goes out after the hold time', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const state = new SimState();
    addEndpoint(state, { url: receiver.url, secret: 'whsec_x' });
    const faults = { nextWebhookFault: () => ({ ...none, reorder: true }) };
    const d = new WebhookDispatcher(state, faults, { ...DEFAULT_WEBHOOK_RETRY, reorderHoldMs: 5 }, Date.now);
    d.enqueue(event('evt_alone'));
    await receiver.waitFor((r) => r.event.id === 'evt_alone');
    await d.idle();
    assert.deepEqual(
      d.attempts.map((a) => a.outcome),
      ['delivered'],
    );
    d.close();
  });

  it('a delayed delivery is still delivered, once', async () => {
    const { d, receiver } = await dispatcher([{ ...none, delayMs: 20 }]);
    d.enqueue(event('evt_late'));
    await d.idle();
    assert.deepEqual(
      receiver.received.map((r) => r.event.id),
      ['evt_late'],
    );
    d.close();
  });
});
