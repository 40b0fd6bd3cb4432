/**
 * `expand[]` for the one expansion worth having here: a PaymentIntent's `latest_charge`, where
 * Stripe keeps `amount_captured` and `amount_refunded`. Other expansions are accepted and ignored.
 * Works on copies: stored objects keep the charge id.
 */
import type { SimState } from './state.js';

function expansions(params: Record<string, unknown>): string[] {
  const raw = params['expand'];
  if (typeof raw === 'string') return [raw];
  return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
}

function withCharge(state: SimState, value: unknown): unknown {
  const pi = value as { object?: string; latest_charge?: unknown };
  if (pi?.object !== 'payment_intent' || typeof pi.latest_charge !== 'string') return value;
  return { ...pi, latest_charge: state.charges.get(pi.latest_charge) ?? pi.latest_charge };
}

export function expand(state: SimState, params: Record<string, unknown>, result: unknown): unknown {
  const wanted = expansions(params);
  if (wanted.includes('latest_charge')) return withCharge(state, result);
  if (wanted.includes('data.latest_charge')) {
    const list = result as { object?: string; data?: unknown[] };
    if (list?.object === 'list' && Array.isArray(list.data)) {
      return { ...list, data: list.data.map((x) => withCharge(state, x)) };
    }
  }
  return result;
}
