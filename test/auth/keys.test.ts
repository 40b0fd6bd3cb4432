import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  type ApiKeyStore,
  ApiKeys,
  AUTH_POSTGRES_MIGRATIONS,
  AUTH_SQLITE_MIGRATIONS,
  ensureBootstrapKey,
  hasScope,
  MemoryApiKeyStore,
  PostgresApiKeyStore,
  parseKey,
  SqliteApiKeyStore,
} from '../../src/auth/index.js';
import { migratePostgres } from '../../src/eventsourcing/postgres/migrate.js';
import { migrateSqlite } from '../../src/eventsourcing/sqlite/migrate.js';
import { createTestDatabase } from '../support/pg.js';

const tmp = mkdtempSync(join(tmpdir(), 'paystream-keys-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function keyContract(name: string, makeStore: () => Promise<ApiKeyStore>): void {
  describe(`ApiKeys over ${name}`, () => {
    test('createKey returns psk_<id>_<secret> once; the store keeps only a sha256 of the secret', async () => {
      const store = await makeStore();
      const keys = new ApiKeys(store);
      const { id, key } = await keys.createKey({ scopes: ['payments:read'], name: 'reader' });
      const parts = parseKey(key);
      assert.equal(parts?.id, id);
      const row = await store.get(id);
      assert.ok(row);
      assert.equal(row.secretHash.length, 64);
      assert.ok(!JSON.stringify(row).includes(parts!.secret), 'the secret is not stored');
    });

    test('verify accepts the key and rejects a wrong secret, an unknown id and garbage', async () => {
      const keys = new ApiKeys(await makeStore());
      const { id, key } = await keys.createKey({ scopes: ['payments:write'], name: 'writer' });
      const ok = await keys.verify(key);
      assert.deepEqual(ok, {
        ok: true,
        principal: { keyId: id, name: 'writer', scopes: ['payments:write'] },
      });
      const lastChar = key.endsWith('0') ? '1' : '0';
      assert.deepEqual(await keys.verify(key.slice(0, -1) + lastChar), { ok: false, reason: 'mismatch' });
      assert.deepEqual(await keys.verify(`psk_${'0'.repeat(16)}_${'a'.repeat(64)}`), {
        ok: false,
        reason: 'unknown',
      });
      assert.deepEqual(await keys.verify('sk_test_123'), { ok: false, reason: 'malformed' });
    });

    test('a revoked key fails verification at once, even when cached', async () => {
      const keys = new ApiKeys(await makeStore(), { cacheTtlMs: 60_000 });
      const { id, key } = await keys.createKey({ scopes: ['admin'], name: 'ops' });
      assert.equal((await keys.verify(key)).ok, true);
      assert.equal(await keys.revokeKey(id), true);
      assert.deepEqual(await keys.verify(key), { ok: false, reason: 'revoked' });
      assert.equal(await keys.revokeKey(id), false, 'a second revoke changes nothing');
    });

    test('listKeys shows every key, oldest first, without hashes', async () => {
      let tick = Date.parse('2026-01-01T00:00:00Z');
      const keys = new ApiKeys(await makeStore(), {
        now: () => {
          tick += 1000;
          return new Date(tick);
        },
      });
      const a = await keys.createKey({ scopes: ['payments:read'], name: 'a' });
      const b = await keys.createKey({ scopes: ['payments:read', 'payments:write'], name: 'b' });
      await keys.revokeKey(a.id);
      const list = await keys.listKeys();
      assert.deepEqual(
        list.map((k) => [k.id, k.name, k.scopes, k.revokedAt !== null]),
        [
          [a.id, 'a', ['payments:read'], true],
          [b.id, 'b', ['payments:read', 'payments:write'], false],
        ],
      );
      assert.ok(list.every((k) => !('secretHash' in k)));
    });

    test('createKey rejects unknown scopes and empty names', async () => {
      const keys = new ApiKeys(await makeStore());
      await assert.rejects(keys.createKey({ scopes: ['root' as 'admin'], name: 'x' }), {
        code: 'PAY_VALIDATION',
      });
      await assert.rejects(keys.createKey({ scopes: [], name: 'x' }), { code: 'PAY_VALIDATION' });
      await assert.rejects(keys.createKey({ scopes: ['admin'], name: '  ' }), { code: 'PAY_VALIDATION' });
    });

    test('ensureBootstrapKey creates one admin key on first start, prints it once and writes it 0600', async () => {
      const keys = new ApiKeys(await makeStore());
      const dataDir = mkdtempSync(join(tmp, 'data-'));
      const printed: string[] = [];
      const first = await ensureBootstrapKey(keys, dataDir, { print: (t) => printed.push(t) });
      assert.ok(first);
      const fileKey = readFileSync(first.file, 'utf8').trim();
      assert.equal(statSync(first.file).mode & 0o777, 0o600);
      assert.equal(printed.length, 1);
      assert.ok(printed[0]!.includes(fileKey));
      const verified = await keys.verify(fileKey);
      assert.ok(verified.ok && verified.principal.scopes.includes('admin'));
      const second = await ensureBootstrapKey(keys, dataDir, { print: (t) => printed.push(t) });
      assert.equal(second, undefined, 'no second key once one exists');
      assert.equal(printed.length, 1);
      assert.equal((await keys.listKeys()).length, 1);
    });
  });
}

keyContract('memory', async () => new MemoryApiKeyStore());

keyContract('SQLite', async () => {
  const db = new Database(join(tmp, `keys-${Math.random().toString(16).slice(2)}.db`));
  after(() => db.close());
  migrateSqlite(db, [AUTH_SQLITE_MIGRATIONS]);
  return new SqliteApiKeyStore(db);
});

describe('PostgreSQL', () => {
  let dbPromise: ReturnType<typeof createTestDatabase> | undefined;
  after(async () => (await dbPromise)?.drop());
  keyContract('PostgreSQL', async () => {
    dbPromise ??= createTestDatabase('authkeys').then(async (db) => {
      await migratePostgres(db.pool, [AUTH_POSTGRES_MIGRATIONS]);
      return db;
    });
    const db = await dbPromise;
    await db.pool.query('TRUNCATE api_keys');
    return new PostgresApiKeyStore(db.pool);
  });
});

test('scopes: admin implies all, write implies read, read implies nothing else', () => {
  assert.ok(hasScope(['admin'], 'payments:write'));
  assert.ok(hasScope(['payments:write'], 'payments:read'));
  assert.ok(!hasScope(['payments:read'], 'payments:write'));
  assert.ok(!hasScope(['payments:write'], 'admin'));
});
