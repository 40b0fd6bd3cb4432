/**
 * The process logger: pino JSON lines. Secrets never reach a line, by two layers:
 *  - fields known to carry them (authorization, stripe-signature, api keys, webhook secrets,
 *    passwords, payment_method…), censored whatever their value, at any depth;
 *  - a scrubber over every string of every line (message, bindings, fields, errors) that masks
 *    anything shaped like a secret wherever it shows up: API keys (psk_…), Stripe keys (sk_/rk_),
 *    webhook secrets (whsec_…), bearer tokens, and card numbers (any run of 13–19 digits).
 * Components take a `Logger` (or make a child with bindings) and never print secrets on purpose;
 * this is the net for the accidents.
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** Default stdout (pino.destination(1)); tests pass a stream to capture lines. */
  destination?: DestinationStream;
  /** Bound to every line, e.g. { service: 'paystream', role: 'api' }. */
  base?: Record<string, unknown>;
}

const CENSOR = '[redacted]';

/**
 * Field names censored whatever their value, at any depth (compared lower-case, without '-'/'_').
 * Done in our own walk rather than pino's `redact`: one pass that also scrubs values, and no
 * per-path cost on every line.
 */
export const SENSITIVE_FIELDS = [
  'authorization',
  'stripe-signature',
  'apiKey',
  'api_key',
  'webhookSecret',
  'secret',
  'password',
  'payment_method',
  'paymentMethod',
  'cookie',
];

const SENSITIVE = new Set(SENSITIVE_FIELDS.map(normalizeField));

function normalizeField(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

// Log field names repeat endlessly: remember the verdict per name (bounded, for odd callers).
const verdicts = new Map<string, boolean>();

function isSensitive(key: string): boolean {
  let v = verdicts.get(key);
  if (v === undefined) {
    v = SENSITIVE.has(normalizeField(key));
    if (verdicts.size < 10_000) verdicts.set(key, v);
  }
  return v;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/psk_[A-Za-z0-9_-]+/g, `psk_${CENSOR}`],
  [/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]+/g, `$1_$2_${CENSOR}`],
  [/whsec_[A-Za-z0-9+/=_-]+/g, `whsec_${CENSOR}`],
  [/\b(Bearer|Basic)\s+[^\s",;]+/gi, `$1 ${CENSOR}`],
  // A card number: 13–19 digits, optionally grouped by single spaces or dashes, not inside a longer word.
  [/(?<![A-Za-z0-9])(?:\d[ -]?){12,18}\d(?![A-Za-z0-9])/g, '[redacted-pan]'],
  // Passwords in URLs: scheme://user:password@host, and scheme://:password@host (Redis)
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${CENSOR}@`],
];

/**
 * One cheap test that every secret pattern above implies (a prefix, a scheme, or 13 digits with
 * optional separators not inside a word, so the digit runs of hex ids do not trip it): most lines
 * fail it and skip the replacements.
 */
const MAYBE_SECRET = /psk_|_(?:live|test)_|whsec_|bearer|basic|:\/\/|(?<![a-z0-9])\d(?:[ -]?\d){12}/i;

/** Masks everything shaped like a secret in a string. */
export function scrubSecrets(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let out = text;
  for (const [re, replacement] of SECRET_PATTERNS) out = out.replace(re, replacement);
  return out;
}

/**
 * Scrubs the string literals of one serialized JSON line. The last net, for what the object
 * formatters cannot reach (child bindings are serialized once, past the formatters).
 */
export function scrubJsonLine(line: string): string {
  if (!MAYBE_SECRET.test(line)) return line;
  return line.replace(/"(?:[^"\\]|\\.)*"/g, (literal) => scrubSecrets(literal));
}

function scrubbingStream(dest: DestinationStream): DestinationStream {
  const inner = dest as DestinationStream & Record<string, unknown>;
  const wrapped: Record<string, unknown> = { write: (line: string) => dest.write(scrubJsonLine(line)) };
  // logger.flush() and shutdown reach the real stream through these.
  for (const name of ['flush', 'flushSync', 'end', 'reopen']) {
    const fn = inner[name];
    if (typeof fn === 'function') wrapped[name] = fn.bind(dest);
  }
  return wrapped as unknown as DestinationStream;
}

/** True when some string, sensitive field or error inside `value` may hold a secret. */
function needsScrub(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return MAYBE_SECRET.test(value);
  if (value === null || typeof value !== 'object') return false;
  if (depth > 8 || value instanceof Error) return true;
  // for-in over own keys: Object.entries would allocate a pair per field on every line.
  const record = value as Record<string, unknown>;
  for (const k in record) {
    if (!Object.hasOwn(record, k)) continue;
    const v = record[k];
    if ((v !== undefined && v !== null && isSensitive(k)) || needsScrub(v, depth + 1)) return true;
  }
  return false;
}

/** A copy of `value` with every string scrubbed; cycles and depth are bounded. */
export function scrubDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) return scrubDeep(pino.stdSerializers.err(value), depth + 1, seen);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1, seen));
  if (Buffer.isBuffer(value) || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = v !== undefined && v !== null && isSensitive(k) ? CENSOR : scrubDeep(v, depth + 1, seen);
  }
  return out;
}

// pino's isoTime formats a Date on every line (~1 us); lines of the same millisecond share one.
let lastMs = -1;
let lastTime = '';
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

export function loggerOptions(options: CreateLoggerOptions = {}): LoggerOptions {
  return {
    level: options.level ?? 'info',
    base: options.base ?? { service: 'paystream' },
    timestamp: isoTime,
    messageKey: 'msg',
    // The log formatter may have serialized the error already (it runs first): keep that as is.
    serializers: { err: (e: unknown) => (e instanceof Error ? scrubDeep(pino.stdSerializers.err(e)) : e) },
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) =>
        needsScrub(bindings) ? (scrubDeep(bindings) as Record<string, unknown>) : bindings,
      log: (obj) => (needsScrub(obj) ? (scrubDeep(obj) as Record<string, unknown>) : obj),
    },
    hooks: {
      logMethod(args, method) {
        // Copy the arguments only when a string in them changes (rare): most lines pass as they are.
        let out: typeof args | undefined;
        for (let i = 0; i < args.length; i++) {
          const a = args[i];
          if (typeof a !== 'string') continue;
          const clean = scrubSecrets(a);
          if (clean !== a) {
            out ??= [...args] as typeof args;
            out[i] = clean;
          }
        }
        method.apply(this, out ?? args);
      },
    },
  };
}

/** The logger of one process; give children bindings rather than making new loggers. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const dest = options.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(loggerOptions(options), scrubbingStream(dest));
}
