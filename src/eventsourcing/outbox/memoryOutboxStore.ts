/**
 * OutboxStore over MemoryEventStore's outbox table. Every method runs synchronously inside its
 * promise, so a lease can never interleave with another: exclusivity comes for free.
 */
import { NotFoundError } from '../../shared/errors.js';
import type { MemoryOutboxTable } from '../memory/memoryOutboxTable.js';
import { OutboxNotDeadError } from './errors.js';
import type { OutboxMessage, OutboxState, OutboxStats, OutboxStore } from './outboxStore.js';

export type OutboxClock = () => Date;

const copy = (m: OutboxMessage): OutboxMessage => ({ ...m });

function isAvailable(m: OutboxMessage, now: number): boolean {
  if (m.state === 'pending') return m.availableAt.getTime() <= now;
  return m.state === 'leased' && (m.leaseExpiresAt?.getTime() ?? 0) <= now;
}

export class MemoryOutboxStore implements OutboxStore {
  constructor(
    private readonly table: MemoryOutboxTable,
    private readonly clock: OutboxClock = () => new Date(),
  ) {}

  async lease(owner: string, limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    const now = this.clock();
    const picked = this.table
      .all()
      .filter((m) => isAvailable(m, now.getTime()))
      .sort((a, b) => a.availableAt.getTime() - b.availableAt.getTime() || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
    for (const m of picked) {
      m.state = 'leased';
      m.leaseOwner = owner;
      m.leaseExpiresAt = new Date(now.getTime() + leaseMs);
      m.attempts += 1;
      m.updatedAt = now;
    }
    return picked.map(copy);
  }

  async complete(id: string, owner: string): Promise<boolean> {
    const m = this.held(id, owner);
    if (!m) return false;
    const now = this.clock();
    Object.assign(m, {
      state: 'done',
      leaseOwner: null,
      leaseExpiresAt: null,
      updatedAt: now,
      completedAt: now,
    });
    return true;
  }

  async fail(
    id: string,
    owner: string,
    error: string,
    next: { retryAt: Date } | { dead: true },
  ): Promise<boolean> {
    const m = this.held(id, owner);
    if (!m) return false;
    m.state = 'dead' in next ? 'dead' : 'pending';
    if ('retryAt' in next) m.availableAt = next.retryAt;
    Object.assign(m, { leaseOwner: null, leaseExpiresAt: null, lastError: error, updatedAt: this.clock() });
    return true;
  }

  async get(id: string): Promise<OutboxMessage | undefined> {
    const m = this.table.get(id);
    return m ? copy(m) : undefined;
  }

  async list(filter: { state?: OutboxState; limit?: number }): Promise<OutboxMessage[]> {
    return this.table
      .all()
      .filter((m) => !filter.state || m.state === filter.state)
      .slice(0, filter.limit ?? 100)
      .map(copy);
  }

  async retry(id: string): Promise<OutboxMessage> {
    const m = this.table.get(id);
    if (!m) throw new NotFoundError('outbox message', id);
    if (m.state !== 'dead') throw new OutboxNotDeadError(id, m.state);
    const now = this.clock();
    Object.assign(m, { state: 'pending', attempts: 0, availableAt: now, updatedAt: now });
    return copy(m);
  }

  async stats(): Promise<OutboxStats> {
    const now = this.clock().getTime();
    const s: OutboxStats = { pending: 0, leased: 0, dead: 0, oldestAgeSeconds: 0 };
    let oldest = now;
    for (const m of this.table.all()) {
      if (m.state === 'done') continue;
      s[m.state] += 1;
      if (m.state !== 'dead') oldest = Math.min(oldest, m.createdAt.getTime());
    }
    s.oldestAgeSeconds = Math.max(0, (now - oldest) / 1000);
    return s;
  }

  /** The live row when `owner` holds its lease. */
  private held(id: string, owner: string): OutboxMessage | undefined {
    const m = this.table.get(id);
    return m && m.state === 'leased' && m.leaseOwner === owner ? m : undefined;
  }
}
