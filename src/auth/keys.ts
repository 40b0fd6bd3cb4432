/**
 * API keys. A key reads `psk_<id>_<secret>`: the id (16 hex) finds the row, the secret (64 hex,
 * 256 random bits) is checked against the stored sha256 in constant time.
 *
 * Why sha256 and not bcrypt/argon2: slow hashes exist to protect low-entropy human passwords from
 * offline guessing. A 256-bit random secret cannot be guessed whatever the hash speed, while a
 * slow hash would cost ~50 ms of CPU on every API call (and hand attackers a cheap DoS).
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ValidationError } from '../shared/errors.js';

export const SCOPES = ['payments:read', 'payments:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** What the store keeps: never the key itself. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: Scope[];
  secretHash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export type ApiKeyInfo = Omit<ApiKeyRecord, 'secretHash'>;

/** The authenticated caller of a request. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: readonly Scope[];
}

/** Storage port of the keys; adapters: SqliteApiKeyStore, PostgresApiKeyStore, MemoryApiKeyStore. */
export interface ApiKeyStore {
  insert(record: ApiKeyRecord): Promise<void>;
  /** Inserts only when the table holds no key at all (atomically); false otherwise. */
  insertIfEmpty(record: ApiKeyRecord): Promise<boolean>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Oldest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** Marks revoked; false when unknown or already revoked. */
  revoke(id: string, at: Date): Promise<boolean>;
}

const KEY_RE = /^psk_([0-9a-f]{16})_([0-9a-f]{64})$/;

export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Splits a presented key; undefined when it is not shaped like one of ours. */
export function parseKey(key: string): { id: string; secret: string } | undefined {
  const m = KEY_RE.exec(key);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** Write implies read (every write answers with the payment); admin implies everything. */
export function hasScope(scopes: readonly Scope[], needed: Scope): boolean {
  if (scopes.includes('admin') || scopes.includes(needed)) return true;
  return needed === 'payments:read' && scopes.includes('payments:write');
}

export interface ApiKeysOptions {
  /**
   * Verified rows are cached this long, so a request costs no store read. A revoke through this
   * instance takes effect at once; one made by another process (the CLI) within this bound.
   */
  cacheTtlMs?: number;
  now?: () => Date;
}

export type VerifyResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'mismatch' };

/**
 * A cached row, with what verifying against it needs, made once per cache period rather than
 * per request: the stored hash as bytes and the principal (shared: principals are read-only).
 */
interface CachedKey {
  record: ApiKeyRecord | null;
  expected?: Buffer;
  ok?: VerifyResult;
}

const MALFORMED: VerifyResult = { ok: false, reason: 'malformed' };

/** One sha256 and a constant-time compare: O(1) whatever the number of keys. */
function check(entry: CachedKey, secret: string): VerifyResult {
  const { record } = entry;
  if (!record) return { ok: false, reason: 'unknown' };
  entry.expected ??= Buffer.from(record.secretHash, 'hex');
  const actual = hash('sha256', secret, 'buffer');
  if (entry.expected.length !== actual.length || !timingSafeEqual(entry.expected, actual)) {
    return { ok: false, reason: 'mismatch' };
  }
  if (record.revokedAt) return { ok: false, reason: 'revoked' };
  entry.ok ??= {
    ok: true,
    principal: Object.freeze({ keyId: record.id, name: record.name, scopes: record.scopes }),
  };
  return entry.ok;
}

/** Creates, lists, revokes and verifies keys over an ApiKeyStore. */
export class ApiKeys {
  private readonly cache: LRUCache<string, CachedKey>;
  private readonly now: () => Date;

  constructor(
    readonly store: ApiKeyStore,
    options: ApiKeysOptions = {},
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: options.cacheTtlMs ?? 5000 });
    this.now = options.now ?? (() => new Date());
  }

  /** Returns the key once: only its hash is kept. */
  async createKey(input: { scopes: Scope[]; name: string }): Promise<{ id: string; key: string }> {
    const { record, key } = this.newKey(input);
    await this.store.insert(record);
    return { id: record.id, key };
  }

  /** Creates the key only when no key exists yet; undefined otherwise. */
  async createFirstKey(input: {
    scopes: Scope[];
    name: string;
  }): Promise<{ id: string; key: string } | undefined> {
    const { record, key } = this.newKey(input);
    return (await this.store.insertIfEmpty(record)) ? { id: record.id, key } : undefined;
  }

  async listKeys(): Promise<ApiKeyInfo[]> {
    return (await this.store.list()).map(({ secretHash: _, ...info }) => info);
  }

  async revokeKey(id: string): Promise<boolean> {
    const revoked = await this.store.revoke(id, this.now());
    this.cache.delete(id);
    return revoked;
  }

  async verify(presented: string): Promise<VerifyResult> {
    const parts = parseKey(presented);
    if (!parts) return MALFORMED;
    return check(this.cache.get(parts.id) ?? (await this.load(parts.id)), parts.secret);
  }

  /**
   * The same verdict as verify(), synchronously, when the key's row is cached (every request
   * after the first of each cache period); undefined when the store must be read. Lets the auth
   * hook skip the promises of the async path on the hot path.
   */
  verifyCached(presented: string): VerifyResult | undefined {
    const parts = parseKey(presented);
    if (!parts) return MALFORMED;
    const hit = this.cache.get(parts.id);
    return hit && check(hit, parts.secret);
  }

  private async load(id: string): Promise<CachedKey> {
    // Unknown ids are cached too, so guessing ids cannot hammer the store.
    const entry: CachedKey = { record: (await this.store.get(id)) ?? null };
    this.cache.set(id, entry);
    return entry;
  }

  private newKey(input: { scopes: Scope[]; name: string }): { record: ApiKeyRecord; key: string } {
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0 || scopes.some((s) => !SCOPES.includes(s))) {
      throw new ValidationError(`scopes must be a non-empty subset of ${SCOPES.join(', ')}`);
    }
    const name = input.name.trim();
    if (name === '' || name.length > 100) throw new ValidationError('name must be 1 to 100 characters');
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('hex');
    const record: ApiKeyRecord = {
      id,
      name,
      scopes,
      secretHash: hashSecret(secret),
      createdAt: this.now(),
      revokedAt: null,
    };
    return { record, key: `psk_${id}_${secret}` };
  }
}
