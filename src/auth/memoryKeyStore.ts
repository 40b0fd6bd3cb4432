/** ApiKeyStore in memory, for tests and throwaway runs. */
import type { ApiKeyRecord, ApiKeyStore } from './keys.js';

export class MemoryApiKeyStore implements ApiKeyStore {
  private readonly rows = new Map<string, ApiKeyRecord>();

  async insert(record: ApiKeyRecord): Promise<void> {
    if (this.rows.has(record.id)) throw new Error(`api key ${record.id} exists`);
    this.rows.set(record.id, structuredClone(record));
  }

  async insertIfEmpty(record: ApiKeyRecord): Promise<boolean> {
    if (this.rows.size > 0) return false;
    await this.insert(record);
    return true;
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : undefined;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return [...this.rows.values()]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((r) => structuredClone(r));
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.revokedAt) return false;
    row.revokedAt = at;
    return true;
  }
}
