/**
 * Helpers for the conformance suites. Tests never assume an empty store: each works in its own
 * stream namespace and measures readAll from the head it saw at the start, so an adapter may
 * share one database across tests.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, IdempotencyStore, NewEvent } from '../../eventStore.js';

export interface OutboxRowView {
  dedupKey: string;
  kind: string;
  streamId: string;
}

export interface ContractStore {
  store: EventStore & IdempotencyStore;
  cleanup: () => Promise<void>;
  /** Outbox rows as stored; the outbox cases are skipped for adapters without it. */
  readOutbox?: () => Promise<OutboxRowView[]>;
}

export type MakeContractStore = () => Promise<ContractStore>;

export interface Ctx extends ContractStore {
  /** A prefix no other test uses; stream ids built from it never collide. */
  ns: string;
  /** Head checkpoint when the test started. */
  start: string;
}

export async function withStore(make: MakeContractStore, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const made = await make();
  try {
    const head = await made.store.head();
    await fn({ ...made, ns: `t${randomUUID().slice(0, 8)}-`, start: head.checkpoint });
  } finally {
    await made.cleanup();
  }
}

export function ev(type: string, data: unknown = {}, extra: Partial<NewEvent> = {}): NewEvent {
  return { type, data, ...extra };
}

export function evs(n: number, type = 'Thing'): NewEvent[] {
  return Array.from({ length: n }, (_, i) => ev(type, { i }));
}

/** A promise with its resolver, to wait on a condition a handler reaches. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Events of this test's namespace, from the test's start. */
export async function readMine(ctx: Ctx, extra: { types?: string[] } = {}) {
  const out = [];
  let after = ctx.start;
  for (;;) {
    const page = await ctx.store.readAll({ after, limit: 500, streamPrefix: ctx.ns, ...extra });
    out.push(...page);
    if (page.length < 500) return out;
    after = page[page.length - 1]!.checkpoint;
  }
}
