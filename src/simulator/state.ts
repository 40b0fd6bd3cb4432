/**
 * The simulator's state: collections of Stripe objects keyed by id, kept in memory and, when a
 * SQLite file is given, written through to a key/value table so a restart resumes where it stopped.
 */
import Database from 'better-sqlite3';
import type { WireCharge, WireEvent, WirePaymentIntent, WireRefund } from './objects.js';

export interface IntentRecord {
  pi: WirePaymentIntent;
  /** Successful captures of this intent: more than one would mean money taken twice. */
  captures: number;
}

export interface IdempotencyRecord {
  fingerprint: string;
  /** Unix ms. */
  createdAt: number;
  state: 'in_flight' | 'done';
  status: number;
  body: unknown;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  /** Empty or ['*'] means every event. */
  enabledEvents: string[];
}

type Kind = 'intent' | 'charge' | 'refund' | 'event' | 'idem' | 'endpoint';

interface Persistence {
  put(kind: Kind, id: string, seq: number, value: unknown): void;
  remove(kind: Kind, id: string): void;
  load(): Array<{ kind: Kind; id: string; seq: number; value: unknown }>;
  close(): void;
}

export class Collection<T> {
  private readonly map = new Map<string, { seq: number; value: T }>();

  constructor(
    private readonly kind: Kind,
    private readonly owner: SimState,
  ) {}

  get(id: string): T | undefined {
    return this.map.get(id)?.value;
  }

  has(id: string): boolean {
    return this.map.has(id);
  }

  /** Saves (and persists) the value; a new id takes the next sequence number. */
  put(id: string, value: T): void {
    const seq = this.map.get(id)?.seq ?? this.owner.nextSeq();
    this.map.set(id, { seq, value });
    this.owner.persistence?.put(this.kind, id, seq, value);
  }

  remove(id: string): void {
    this.map.delete(id);
    this.owner.persistence?.remove(this.kind, id);
  }

  /** Newest first: by creation order, which `created` (whole seconds) cannot break ties for. */
  newestFirst(): T[] {
    return [...this.map.values()].sort((a, b) => b.seq - a.seq).map((r) => r.value);
  }

  size(): number {
    return this.map.size;
  }

  restore(id: string, seq: number, value: T): void {
    this.map.set(id, { seq, value });
  }

  clear(): void {
    for (const id of [...this.map.keys()]) this.remove(id);
  }
}

export class SimState {
  private seq = 0;
  readonly persistence: Persistence | null;
  readonly intents = new Collection<IntentRecord>('intent', this);
  readonly charges = new Collection<WireCharge>('charge', this);
  readonly refunds = new Collection<WireRefund>('refund', this);
  readonly events = new Collection<WireEvent>('event', this);
  readonly idempotency = new Collection<IdempotencyRecord>('idem', this);
  readonly endpoints = new Collection<WebhookEndpoint>('endpoint', this);

  constructor(options: { sqlitePath?: string } = {}) {
    this.persistence = options.sqlitePath ? openSqlite(options.sqlitePath) : null;
    if (this.persistence) this.restore(this.persistence);
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  close(): void {
    this.persistence?.close();
  }

  private restore(p: Persistence): void {
    const byKind: Record<Kind, Collection<unknown>> = {
      intent: this.intents,
      charge: this.charges,
      refund: this.refunds,
      event: this.events,
      idem: this.idempotency,
      endpoint: this.endpoints,
    } as Record<Kind, Collection<unknown>>;
    for (const row of p.load()) {
      byKind[row.kind].restore(row.id, row.seq, row.value);
      if (row.seq > this.seq) this.seq = row.seq;
    }
  }
}

function openSqlite(path: string): Persistence {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS sim_objects (kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, ' +
      'value TEXT NOT NULL, PRIMARY KEY (kind, id))',
  );
  const put = db.prepare(
    'INSERT INTO sim_objects (kind, id, seq, value) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value',
  );
  const remove = db.prepare('DELETE FROM sim_objects WHERE kind = ? AND id = ?');
  const load = db.prepare('SELECT kind, id, seq, value FROM sim_objects ORDER BY seq');
  return {
    put: (kind, id, seq, value) => put.run(kind, id, seq, JSON.stringify(value)),
    remove: (kind, id) => remove.run(kind, id),
    load: () =>
      (load.all() as Array<{ kind: Kind; id: string; seq: number; value: string }>).map((r) => ({
        ...r,
        value: JSON.parse(r.value) as unknown,
      })),
    close: () => db.close(),
  };
}
