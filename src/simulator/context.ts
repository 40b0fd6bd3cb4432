/**
 * What an operation needs: the state, the clock and a way to record an Event.
 * One context per API request, so every event carries the request id and idempotency key.
 */
import { newId } from './ids.js';
import { API_VERSION, type WireEvent } from './objects.js';
import type { SimState } from './state.js';

export interface SimContext {
  readonly state: SimState;
  /** Unix seconds. */
  now(): number;
  emit(type: string, object: unknown, previous?: Record<string, unknown>): WireEvent;
  /** Runs later, outside any request (asynchronous transitions such as a refund failing). */
  defer(fn: (ctx: SimContext) => void): void;
  /** Whether the injected declineRate declines this confirmation. */
  injectedDecline(): boolean;
}

/** Runs deferred work after the configured delay; the simulator cancels it on close. */
export type Deferrer = (fn: (ctx: SimContext) => void) => void;

export interface RequestInfo {
  /** Null for automatic transitions, as in Stripe's events. */
  id: string | null;
  idempotencyKey: string | null;
}

export function makeContext(
  state: SimState,
  nowMs: () => number,
  request: RequestInfo,
  onEvent: (event: WireEvent) => number,
  defer: Deferrer = () => {},
  injectedDecline: () => boolean = () => false,
): SimContext {
  const now = () => Math.floor(nowMs() / 1000);
  return {
    state,
    now,
    defer,
    injectedDecline,
    emit(type, object, previous) {
      const event: WireEvent = {
        id: newId('evt'),
        object: 'event',
        api_version: API_VERSION,
        created: now(),
        // A snapshot: later changes to the object must not rewrite history.
        data: previous
          ? { object: structuredClone(object), previous_attributes: previous }
          : { object: structuredClone(object) },
        livemode: false,
        pending_webhooks: 0,
        request: { id: request.id, idempotency_key: request.idempotencyKey },
        type,
      };
      state.events.put(event.id, event);
      event.pending_webhooks = onEvent(event);
      state.events.put(event.id, event);
      return event;
    },
  };
}
