/**
 * The list of leaf settings, read off the schema's metadata: path, env variable, default, secret.
 * Used by the env loader, redactConfig, `.env.example` and its test.
 */
import type { z } from 'zod';
import { ConfigSchema, type SettingMeta } from './schema.js';

export interface SettingInfo extends SettingMeta {
  path: string[];
  /** The default as an env value ('' when the setting has none). */
  defaultValue: string;
}

interface ZodInternals {
  _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType; shape?: Record<string, z.ZodType> } };
}

function internals(s: z.ZodType): ZodInternals['_zod']['def'] {
  return (s as unknown as ZodInternals)._zod.def;
}

/** Strips default/prefault/optional/pipe wrappers down to the object or leaf type. */
function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    const def = internals(cur);
    if (def.innerType) cur = def.innerType;
    else if (def.type === 'pipe' && def.in && internals(def.in).type !== 'transform') cur = def.in;
    else return cur;
  }
}

function defaultOf(s: z.ZodType): string {
  const r = s.safeParse(undefined);
  if (!r.success || r.data === undefined) return '';
  return String(r.data);
}

function walk(s: z.ZodType, path: string[], out: SettingInfo[]): void {
  const meta = s.meta()?.paystream as SettingMeta | undefined;
  if (meta) {
    out.push({ ...meta, path, defaultValue: defaultOf(s) });
    return;
  }
  const shape = internals(unwrap(s)).shape;
  if (!shape) throw new Error(`config setting ${path.join('.')} has no env metadata`);
  for (const [key, child] of Object.entries(shape)) walk(child, [...path, key], out);
}

let cached: readonly SettingInfo[] | undefined;

export function listSettings(): readonly SettingInfo[] {
  if (!cached) {
    const out: SettingInfo[] = [];
    walk(ConfigSchema, [], out);
    cached = Object.freeze(out);
  }
  return cached;
}

export function settingAt(path: readonly PropertyKey[]): SettingInfo | undefined {
  const key = path.map(String).join('.');
  return listSettings().find((s) => s.path.join('.') === key);
}

/** `.env.example`: every variable with its default (commented out when it has none) and its doc. */
export function renderEnvExample(): string {
  const lines = [
    '# paystream configuration: every variable with its default. Copy to .env and edit.',
    '# A JSON file (nested like the config, e.g. {"server":{"port":3000}}) may be given in',
    '# PAYSTREAM_CONFIG_FILE; the environment overrides it. Secrets are never printed.',
    '# PAYSTREAM_CONFIG_FILE=',
  ];
  let group = '';
  for (const s of listSettings()) {
    const g = s.path.length > 1 ? s.path[0]! : 'general';
    if (g !== group) lines.push('', `# --- ${g} ---`);
    group = g;
    const aliases = s.aliases?.length ? ` (fallback: ${s.aliases.join(', ')})` : '';
    lines.push(`# ${s.doc}${aliases}${s.secret ? ' [secret]' : ''}`);
    lines.push(`${s.defaultValue === '' ? '# ' : ''}${s.env}=${s.defaultValue}`);
  }
  return `${lines.join('\n')}\n`;
}
