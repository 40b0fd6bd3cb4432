/** Building blocks of the config schema: env-friendly numbers and booleans, and setting metadata. */
import { z } from 'zod';

export interface SettingMeta {
  /** Environment variable, always PAYSTREAM_*. */
  env: string;
  doc: string;
  /** Never printed: redactConfig masks it (URLs: only the password). */
  secret?: boolean;
  /** Other variables read when `env` is unset (platform conventions such as PORT). */
  aliases?: string[];
}

export function setting<T extends z.ZodType>(schema: T, meta: SettingMeta): T {
  return schema.meta({ paystream: meta }) as T;
}

/** Env values arrive as strings; JSON files give numbers. Both must validate the same way. */
export function int(def: number, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(toNumber, z.number().int().min(min).max(max)).default(def);
}

export function rate(def: number) {
  return z.preprocess(toNumber, z.number().min(0).max(1)).default(def);
}

export function toNumber(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  return t === '' ? undefined : Number(t);
}

export function bool(def: boolean) {
  return z
    .preprocess((v) => {
      if (typeof v !== 'string') return v;
      const t = v.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return true;
      if (['false', '0', 'no', 'off'].includes(t)) return false;
      return v;
    }, z.boolean())
    .default(def);
}
