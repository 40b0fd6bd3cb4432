/**
 * Strict JSON serialisation for stored payloads (event data and metadata, responses, outbox
 * payloads, snapshot state): what JSON.stringify would silently change is a ValidationError.
 */
import { ValidationError } from '../shared/errors.js';

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function notJson(path: (string | number)[], field: string, why: string): ValidationError {
  const where = path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : `${acc}.${k}`),
    field,
  );
  return new ValidationError(`${where}: ${why}`, { field: where });
}

/** Throws unless JSON.stringify(v) would keep `v` as it is. `path`/`seen` are the walk's stacks. */
function checkJson(
  v: unknown,
  inArray: boolean,
  path: (string | number)[],
  seen: object[],
  field: string,
): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(v)) throw notJson(path, field, `${v} is not JSON`);
      return;
    case 'undefined':
      if (inArray || path.length === 0) throw notJson(path, field, 'undefined is not JSON');
      return;
    case 'object':
      if (v !== null) checkObject(v, path, seen, field);
      return;
    default:
      throw notJson(path, field, `a ${typeof v} is not JSON`);
  }
}

function checkObject(v: object, path: (string | number)[], seen: object[], field: string): void {
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    checkJson(toJSON.call(v), false, path, seen, field);
    return;
  }
  if (seen.includes(v)) throw notJson(path, field, 'a cycle is not JSON');
  const isArray = Array.isArray(v);
  if (!isArray && !isPlainObject(v))
    throw notJson(path, field, 'only plain objects, arrays and primitives are JSON');
  seen.push(v);
  if (isArray) {
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      checkJson(v[i], true, path, seen, field);
      path.pop();
    }
  } else {
    for (const k of Object.keys(v)) {
      path.push(k);
      checkJson((v as Record<string, unknown>)[k], false, path, seen, field);
      path.pop();
    }
  }
  seen.pop();
}

/** Past this depth the fast check gives up (a cycle ends here too) and the full walk decides. */
const FAST_DEPTH = 64;

/**
 * The common case, cheaply: true when checkJson would accept `v`. No path or cycle bookkeeping,
 * so it allocates nothing; anything unusual (toJSON, a class instance, depth, a bad value)
 * answers false and the full walk then accepts it or throws the precise error.
 */
function plainJson(v: unknown, inArray: boolean, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'undefined':
      return !inArray && depth > 0;
    case 'object': {
      if (v === null) return true;
      if (depth >= FAST_DEPTH || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!plainJson(v[i], true, depth + 1)) return false;
        return true;
      }
      if (!isPlainObject(v)) return false;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      for (let i = 0; i < keys.length; i++) if (!plainJson(o[keys[i]!], false, depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * JSON.stringify, but refusing what JSON would silently change or drop: functions, symbols,
 * BigInt, NaN/Infinity, undefined in arrays, class instances without toJSON (a Map would become {}),
 * and cycles. Undefined object properties are dropped, as JSON does.
 */
export function toJson(value: unknown, field: string): string {
  if (plainJson(value, false, 0)) return JSON.stringify(value);
  try {
    checkJson(value, false, [], [], field);
  } catch (e) {
    if (e instanceof RangeError) throw new ValidationError(`${field} is nested too deeply`, { field });
    throw e;
  }
  return JSON.stringify(value);
}
