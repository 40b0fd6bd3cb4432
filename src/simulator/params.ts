/** Reading Stripe's form parameters with Stripe's validation errors. */
import { invalidParam, missingParam } from './errors.js';
import type { FormObject, FormValue } from './form.js';

export function optString(params: FormObject, name: string): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidParam(`Invalid string: ${name}`, name);
  return v;
}

export function reqString(params: FormObject, name: string): string {
  const v = optString(params, name);
  if (v === undefined || v === '') throw missingParam(name);
  return v;
}

export function optInt(params: FormObject, name: string, min = 0): number | undefined {
  const v = optString(params, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) {
    throw invalidParam(`Invalid integer: ${v}`, name, 'parameter_invalid_integer');
  }
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) {
    throw invalidParam(
      `This value must be greater than or equal to ${min}.`,
      name,
      'parameter_invalid_integer',
    );
  }
  return n;
}

export function optBool(params: FormObject, name: string): boolean | undefined {
  const v = optString(params, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw invalidParam(`Invalid boolean: ${v}`, name);
  return v === 'true';
}

export function optEnum<T extends string>(
  params: FormObject,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const v = optString(params, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw invalidParam(`Invalid ${name}: must be one of ${allowed.join(', ')}`, name);
  }
  return v as T;
}

const METADATA_MAX_KEYS = 50;
const METADATA_MAX_KEY_LENGTH = 40;
const METADATA_MAX_VALUE_LENGTH = 500;

/** Stripe metadata: string values; an empty value unsets the key. Stripe's limits: 50 keys, 40/500 characters. */
export function metadata(params: FormObject, base: Record<string, string> = {}): Record<string, string> {
  const raw: FormValue | undefined = params['metadata'];
  if (raw === undefined || raw === '') return { ...base };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParam('Invalid metadata', 'metadata');
  const out = { ...base };
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw invalidParam(`Invalid metadata[${k}]`, `metadata[${k}]`);
    if (k.length > METADATA_MAX_KEY_LENGTH) {
      throw invalidParam(
        `Metadata keys can have up to ${METADATA_MAX_KEY_LENGTH} characters.`,
        `metadata[${k}]`,
      );
    }
    if (v.length > METADATA_MAX_VALUE_LENGTH) {
      throw invalidParam(
        `Metadata values can have up to ${METADATA_MAX_VALUE_LENGTH} characters.`,
        `metadata[${k}]`,
      );
    }
    if (v === '') delete out[k];
    else out[k] = v;
  }
  if (Object.keys(out).length > METADATA_MAX_KEYS) {
    throw invalidParam(`Metadata can have up to ${METADATA_MAX_KEYS} keys.`, 'metadata');
  }
  return out;
}

/** `created[gte]=…` (or a bare `created=…`, an exact match) as a predicate on unix seconds. */
export function createdFilter(params: FormObject): (created: number) => boolean {
  const raw = params['created'];
  if (raw === undefined) return () => true;
  if (typeof raw === 'string') {
    const exact = optInt(params, 'created');
    return (c) => c === exact;
  }
  if (Array.isArray(raw)) throw invalidParam('Invalid created', 'created');
  const bound = (op: string) => optInt(raw, op);
  const [gt, gte, lt, lte] = [bound('gt'), bound('gte'), bound('lt'), bound('lte')];
  return (c) =>
    (gt === undefined || c > gt) &&
    (gte === undefined || c >= gte) &&
    (lt === undefined || c < lt) &&
    (lte === undefined || c <= lte);
}
