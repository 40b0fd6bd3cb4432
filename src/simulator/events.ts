/** GET /v1/events: newest first, filtered by created and type, Stripe's cursor pagination. */
import type { SimContext } from './context.js';
import { noSuch } from './errors.js';
import type { FormObject } from './form.js';
import { paginate } from './list.js';
import type { WireEvent, WireList } from './objects.js';
import { createdFilter, optString } from './params.js';

export function listEvents(ctx: SimContext, params: FormObject): WireList<WireEvent> {
  const inRange = createdFilter(params);
  const type = optString(params, 'type');
  const matchesType = (t: string) =>
    type === undefined || (type.endsWith('.*') ? t.startsWith(type.slice(0, -1)) : t === type);
  const items = ctx.state.events.newestFirst().filter((e) => inRange(e.created) && matchesType(e.type));
  return paginate(items, params, '/v1/events', 'event');
}

export function retrieveEvent(ctx: SimContext, id: string): WireEvent {
  const event = ctx.state.events.get(id);
  if (!event) throw noSuch('event', id);
  return event;
}
