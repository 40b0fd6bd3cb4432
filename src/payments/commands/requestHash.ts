/**
 * The request hash stored with an idempotency key: sha256 of a canonical JSON (keys sorted,
 * undefined dropped) of the operation, the payment id and the validated input, so the same
 * request always hashes the same whatever the key order of the body.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const v of value) items.push(v === undefined ? 'null' : canonicalJson(v));
    return `[${items.join(',')}]`;
  }
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  // Default sort compares UTF-16 code units: a total, locale-independent order.
  for (const k of Object.keys(obj).sort()) {
    if (obj[k] !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  }
  return `{${parts.join(',')}}`;
}

export function requestHash(operation: string, paymentId: string | null, input: unknown): string {
  return createHash('sha256').update(canonicalJson({ operation, paymentId, input })).digest('hex');
}
