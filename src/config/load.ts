/**
 * loadConfig: defaults < JSON file (PAYSTREAM_CONFIG_FILE) < environment (PAYSTREAM_*) < overrides,
 * validated once against ConfigSchema and deep-frozen. Every wrong setting is reported in one
 * ConfigError (PAY_CONFIG_INVALID), so an operator fixes them all in one go.
 * This folder is the only reader of process.env.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { PaystreamError } from '../shared/errors.js';
import { type Config, type ConfigInput, ConfigSchema } from './schema.js';
import { listSettings, type SettingInfo, settingAt } from './settings.js';

export class ConfigError extends PaystreamError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('PAY_CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`, { problems });
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** Default process.env. */
  env?: Record<string, string | undefined>;
  /** JSON file; default env PAYSTREAM_CONFIG_FILE. */
  file?: string;
  /** Applied last (tests, CLI flags). */
  overrides?: ConfigInput;
}

/** Variables that are not settings but are still ours. */
const NON_SETTING_VARS = new Set(['PAYSTREAM_CONFIG_FILE']);
const IGNORED_PREFIXES = ['PAYSTREAM_TEST_'];

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const file = options.file ?? nonEmpty(env.PAYSTREAM_CONFIG_FILE);
  const fromFile = file ? readConfigFile(file, problems) : {};
  const fromEnv = readEnv(env, problems);
  const merged = deepMerge(
    deepMerge(fromFile, fromEnv),
    (options.overrides ?? {}) as Record<string, unknown>,
  );
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => describeIssue(i, merged, file)));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return deepFreeze(parsed.data) as Config;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function readConfigFile(file: string, problems: string[]): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`config file ${file}: must hold a JSON object`);
  } catch (e) {
    problems.push(`config file ${file}: ${(e as Error).message}`);
  }
  return {};
}

function readEnv(env: Record<string, string | undefined>, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = new Set(NON_SETTING_VARS);
  for (const s of listSettings()) {
    known.add(s.env);
    const value = [s.env, ...(s.aliases ?? [])]
      .map((name) => nonEmpty(env[name]))
      .find((v) => v !== undefined);
    if (value !== undefined) setPath(out, s.path, value);
  }
  for (const name of Object.keys(env)) {
    if (!name.startsWith('PAYSTREAM_') || known.has(name)) continue;
    if (IGNORED_PREFIXES.some((p) => name.startsWith(p))) continue;
    problems.push(`${name}: unknown setting (see .env.example)`);
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    if (!cur[key] || typeof cur[key] !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function getPath(source: unknown, path: readonly PropertyKey[]): unknown {
  let cur = source;
  for (const key of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const bothObjects = isPlainObject(b) && isPlainObject(v);
    out[k] = bothObjects ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown, file: string | undefined): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${issue.path.join('.')}.` : '';
    const keys = issue.keys.map((k) => `"${where}${k}"`).join(', ');
    return `${file ? `config file ${file}` : 'config'}: unknown setting ${keys}`;
  }
  const setting = settingAt(issue.path);
  const name = setting ? `${setting.env} (${setting.path.join('.')})` : issue.path.join('.') || 'config';
  return `${name}: ${issue.message}${received(setting, input, issue.path)}`;
}

function received(setting: SettingInfo | undefined, input: unknown, path: readonly PropertyKey[]): string {
  const value = getPath(input, path);
  if (value === undefined || !setting || setting.secret) return '';
  return ` (got ${JSON.stringify(value)})`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const REDACTED = '[redacted]';

/** The effective config with every secret masked (URLs keep all but the password), fit to log. */
export function redactConfig(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const s of listSettings()) {
    if (!s.secret) continue;
    const value = getPath(copy, s.path);
    if (typeof value === 'string') setPath(copy, s.path, maskSecret(value));
  }
  return copy;
}

function maskSecret(value: string): string {
  try {
    const u = new URL(value);
    if (u.host) {
      if (u.password) u.password = 'redacted';
      return u.toString();
    }
  } catch {
    // not a URL: mask it all
  }
  return REDACTED;
}
