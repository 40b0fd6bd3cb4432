/** Stripe's cursor pagination over newest-first lists. */
import { invalidParam, noSuch } from './errors.js';
import type { FormObject } from './form.js';
import type { WireList } from './objects.js';
import { optInt, optString } from './params.js';

export function paginate<T extends { id: string }>(
  items: T[],
  params: FormObject,
  url: string,
  kind: string,
): WireList<T> {
  const limit = optInt(params, 'limit', 1) ?? 10;
  if (limit > 100) throw invalidParam('This value must be less than or equal to 100.', 'limit');
  const after = optString(params, 'starting_after');
  const before = optString(params, 'ending_before');
  let start = 0;
  let end = items.length;
  if (after !== undefined) {
    const i = items.findIndex((x) => x.id === after);
    if (i < 0) throw noSuch(kind, after, 'starting_after');
    start = i + 1;
  } else if (before !== undefined) {
    const i = items.findIndex((x) => x.id === before);
    if (i < 0) throw noSuch(kind, before, 'ending_before');
    end = i;
    start = Math.max(0, end - limit);
  }
  const data = items.slice(start, Math.min(end, start + limit));
  const hasMore = before !== undefined ? start > 0 : start + data.length < end;
  return { object: 'list', data, has_more: hasMore, url };
}
