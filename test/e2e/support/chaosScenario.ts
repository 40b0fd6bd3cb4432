/**
 * The chaos workload, shared by the SQLite and PostgreSQL runs: a wave of creates (mixed cards,
 * a quarter manual capture), the outbox drained, then a concurrent wave of follow-ups (capture,
 * sometimes partial; cancel; refund, partial or full), drained again. Every acknowledged command is
 * kept so the test can check its events are in the log.
 */
import type { OutboxStore } from '../../../src/eventsourcing/outbox/outboxStore.js';
import type { PaymentState } from '../../../src/payments/domain/payment.js';
import type { PaymentProvider } from '../../../src/payments/provider/port.js';
import type { CommandResult, PaymentCommandService } from '../../../src/payments/services.js';
import { wrapProvider } from '../../support/wrapProvider.js';
import type { Ack } from './chaosChecks.js';
import { until } from './harness.js';

const CARDS = [
  'pm_card_visa',
  'pm_card_visa',
  'pm_card_mastercard',
  'pm_card_chargeDeclined',
  'pm_card_chargeDeclinedInsufficientFunds',
  'pm_card_visa',
];

/** The faults the simulator injects in both runs. */
export const CHAOS_FAULTS = {
  seed: 20_261_127,
  errorRate: 0.2,
  errorStatuses: [500, 502, 503, 429],
  timeoutRate: 0.1,
  timeoutMode: 'destroy' as const,
  timeoutAfterMs: 20,
  webhook: { dropRate: 0.3, duplicateRate: 0.15, reorderRate: 0.15, delayRate: 0.1, delayMs: 50 },
};

export const CHAOS_WEBHOOK_RETRY = {
  maxAttempts: 4,
  baseDelayMs: 20,
  maxDelayMs: 200,
  timeoutMs: 2_000,
  reorderHoldMs: 50,
};

export const CHAOS_POLICY = {
  maxAttempts: 3,
  initialDelayMs: 5,
  maxDelayMs: 50,
  timeoutMs: 2_000,
  breakerThreshold: 25,
  halfOpenAfterMs: 100,
};

export const CHAOS_DISPATCHER = {
  maxAttempts: 8,
  pollIntervalMs: 20,
  batchSize: 32,
  backoff: { baseMs: 10, maxMs: 200 },
};

/**
 * One create in 15 reaches the provider but its answer is "lost" as a permanent 403 (a proxy in
 * between): the message dead-letters at once and only webhooks or reconciliation can tell us.
 */
export function loseSomeAnswers(counter: { lost: number }): (real: PaymentProvider) => PaymentProvider {
  return (real) => {
    let calls = 0;
    return wrapProvider(real, {
      createPayment: async (req) => {
        const r = await real.createPayment(req);
        calls += 1;
        if (calls % 15 !== 7) return r;
        counter.lost += 1;
        return {
          outcome: 'permanent',
          code: 'proxy_forbidden',
          message: 'answer lost behind a proxy',
          status: 403,
        };
      },
    });
  };
}

export async function pool<T>(
  items: T[],
  size: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
}

export function drained(outbox: OutboxStore, timeoutMs = 45_000) {
  return until(
    async () => {
      const s = await outbox.stats();
      return s.pending + s.leased === 0 ? s : undefined;
    },
    'the outbox to drain',
    timeoutMs,
  );
}

export interface Workload {
  ids: string[];
  acks: Ack[];
  followUps: { captures: number; cancels: number; refunds: number };
}

export async function runWorkload(
  n: number,
  commands: PaymentCommandService,
  loadPayment: (id: string) => Promise<PaymentState | null>,
  outbox: OutboxStore,
): Promise<Workload> {
  const acks: Ack[] = [];
  const ids: string[] = [];
  const ack = (id: string, r: CommandResult, what: string) =>
    acks.push({ paymentId: id, version: r.version, globalPosition: r.globalPosition, what });
  const ctx = (i: number) => ({ actor: 'key_chaos', correlationId: `chaos-${i}` });
  await pool(
    Array.from({ length: n }, (_, i) => i),
    24,
    async (_, i) => {
      const input = {
        amount: 1_000 + i * 37,
        currency: i % 3 === 0 ? 'usd' : 'eur',
        paymentMethod: CARDS[i % CARDS.length]!,
        captureMethod: i % 4 === 1 ? ('manual' as const) : ('automatic' as const),
      };
      const r = await commands.createPayment(input, ctx(i));
      ids[i] = r.paymentId;
      ack(r.paymentId, r, 'create');
    },
  );
  await drained(outbox);
  const followUps = { captures: 0, cancels: 0, refunds: 0 };
  await pool(ids, 24, async (id, i) => {
    const s = (await loadPayment(id)) as PaymentState;
    if (s.status === 'requires_capture' && i % 5 === 1) {
      ack(id, await commands.cancelPayment(id, { reason: 'requested_by_customer' }, ctx(i)), 'cancel');
      followUps.cancels += 1;
    } else if (s.status === 'requires_capture') {
      const amount = i % 3 === 0 ? Math.floor(s.amount * 0.6) : s.amount;
      ack(id, await commands.capturePayment(id, { amount }, ctx(i)), 'capture');
      followUps.captures += 1;
    } else if (s.status === 'succeeded' && i % 3 === 0) {
      const amount = Math.floor(s.amountCaptured * (i % 2 ? 0.3 : 1));
      ack(id, await commands.refundPayment(id, { amount }, ctx(i)), 'refund');
      followUps.refunds += 1;
    }
  });
  await drained(outbox);
  return { ids, acks, followUps };
}
