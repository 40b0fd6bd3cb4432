/**
 * The request hash stored with an idempotency key: sha256 of a canonical JSON (keys sorted,
 * undefined dropped) of the operation, the payment id and the validated input, so the same
 * request always hashes the same whatever the key order of the body.
 * The output must stay byte-for-byte stable: stored hashes are compared on retries across
 * deploys. It runs on every command, hence string concatenation instead of arrays and joins.
 */
import { hash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i > 0) out += ',';
      out += v === undefined ? 'null' : canonicalJson(v);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units: a total, locale-independent order.
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

export function requestHash(operation: string, paymentId: string | null, input: unknown): string {
  // One-shot hash: no Hash object per command.
  return hash('sha256', canonicalJson({ operation, paymentId, input }), 'hex');
}
