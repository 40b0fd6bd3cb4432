/**
 * Stripe's idempotency semantics for POSTs: the first result (errors included) is replayed for
 * 24 hours; the same key with other parameters is a 400 idempotency_error; the same key while the
 * first request still runs is a 409. Keys are scoped per API key, as Stripe scopes them per account.
 */
import { createHash } from 'node:crypto';
import type { IdempotencyRecord, SimState } from './state.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type IdempotencyDecision =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

export function fingerprint(method: string, path: string, params: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([method, path, canonical(params)]))
    .digest('hex');
}

/** The API key itself is never stored: records are keyed by a hash of it. */
export function scopeOf(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}

export class IdempotencyGuard {
  /** In-flight claims live only in memory: a crash mid-request must not block the key forever. */
  private readonly inFlight = new Map<string, string>();

  constructor(
    private readonly state: SimState,
    private readonly nowMs: () => number,
    private readonly ttlMs = IDEMPOTENCY_TTL_MS,
  ) {}

  begin(scope: string, key: string, fp: string): IdempotencyDecision {
    const id = `${scope}:${key}`;
    const claimed = this.inFlight.get(id);
    if (claimed !== undefined) return claimed === fp ? { kind: 'in_flight' } : { kind: 'mismatch' };
    const rec = this.state.idempotency.get(id);
    if (rec && this.nowMs() - rec.createdAt < this.ttlMs) {
      if (rec.fingerprint !== fp) return { kind: 'mismatch' };
      return { kind: 'replay', status: rec.status, body: rec.body };
    }
    if (rec) this.state.idempotency.remove(id);
    this.inFlight.set(id, fp);
    return { kind: 'new' };
  }

  finish(scope: string, key: string, status: number, body: unknown): void {
    const id = `${scope}:${key}`;
    const fp = this.inFlight.get(id);
    this.inFlight.delete(id);
    if (fp === undefined) return;
    const rec: IdempotencyRecord = { fingerprint: fp, createdAt: this.nowMs(), state: 'done', status, body };
    this.state.idempotency.put(id, rec);
  }

  /** The request did not start executing (validation failure, injected error): nothing to replay. */
  release(scope: string, key: string): void {
    this.inFlight.delete(`${scope}:${key}`);
  }
}
