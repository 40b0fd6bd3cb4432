/**
 * Decodes Stripe's form encoding (`metadata[k]=v`, `expand[0]=x`, `created[gte]=1`) into nested values.
 * Written by hand because `qs` is not installed; it covers the bracket forms the official SDK emits.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first <= 0) return [key];
  const parts = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  for (let m = re.exec(key.slice(first)); m !== null; m = re.exec(key.slice(first))) {
    parts.push(m[1] ?? '');
  }
  return parts;
}

// Keys are attacker-controlled on the wire: refuse the ones that would reach the prototype.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function assign(target: FormObject, parts: string[], value: string): void {
  let node: FormObject = target;
  for (let i = 0; i < parts.length; i++) {
    const raw = parts[i] ?? '';
    if (FORBIDDEN.has(raw)) return;
    const part = raw === '' ? String(Object.keys(node).length) : raw;
    if (i === parts.length - 1) {
      node[part] = value;
      return;
    }
    const next = node[part];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node = next;
    } else {
      const created: FormObject = Object.create(null);
      node[part] = created;
      node = created;
    }
  }
}

/** Objects whose keys are 0..n-1 become arrays, as qs does for `expand[0]=a&expand[1]=b`. */
function arrayify(value: FormValue): FormValue {
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const out: FormObject = {};
  for (const k of keys) out[k] = arrayify(value[k] as FormValue);
  const isArray = keys.length > 0 && keys.every((k, i) => k === String(i));
  return isArray ? keys.map((k) => out[k] as FormValue) : out;
}

export function decodeForm(body: string): FormObject {
  const root: FormObject = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) assign(root, splitKey(key), value);
  return arrayify(root) as FormObject;
}
