/**
 * The request hash stored with an idempotency key: sha256 of a canonical JSON (keys sorted,
 * undefined dropped) of the operation, the payment id and the validated input, so the same
 * request always hashes the same whatever the key order of the body.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function requestHash(operation: string, paymentId: string | null, input: unknown): string {
  return createHash('sha256').update(canonicalJson({ operation, paymentId, input })).digest('hex');
}
