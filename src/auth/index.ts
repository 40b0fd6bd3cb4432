/**
 * API keys and their storage. Wiring:
 *   migrateSqlite(db, [AUTH_SQLITE_MIGRATIONS]); const keys = new ApiKeys(new SqliteApiKeyStore(db));
 *   migratePostgres(pool, [AUTH_POSTGRES_MIGRATIONS]); const keys = new ApiKeys(new PostgresApiKeyStore(pool));
 *   await ensureBootstrapKey(keys, config.dataDir)   // when config.auth.bootstrapKey
 */
import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '../eventsourcing/migrations.js';

export { type BootstrapResult, ensureBootstrapKey } from './bootstrap.js';
export {
  type ApiKeyInfo,
  type ApiKeyRecord,
  type ApiKeyStore,
  ApiKeys,
  hasScope,
  type Principal,
  parseKey,
  SCOPES,
  type Scope,
} from './keys.js';
export { MemoryApiKeyStore } from './memoryKeyStore.js';
export { PostgresApiKeyStore } from './postgresKeyStore.js';
export { SqliteApiKeyStore } from './sqliteKeyStore.js';

export const AUTH_SQLITE_MIGRATIONS: MigrationSet = {
  module: 'auth',
  dir: fileURLToPath(new URL('./migrations/sqlite/', import.meta.url)),
};

export const AUTH_POSTGRES_MIGRATIONS: MigrationSet = {
  module: 'auth',
  dir: fileURLToPath(new URL('./migrations/postgres/', import.meta.url)),
};
