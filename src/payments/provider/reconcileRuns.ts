/**
 * A reconciliation run is recorded as an event stream of its own, `reconciliation-<runId>`:
 * ReconciliationStarted, one PaymentReconciled per payment that was not simply matched, and
 * ReconciliationCompleted with the counts. The log is the audit trail of what was corrected,
 * re-driven or flagged for a person, and why.
 */
import type { EventStore, NewEvent } from '../../eventsourcing/eventStore.js';

export const RECONCILIATION_STREAM_PREFIX = 'reconciliation-';

export type ReconcileResult =
  | 'matched'
  | 'corrected'
  | 'local_only'
  | 'provider_only'
  | 'conflicting'
  | 'in_flight'
  | 'error';

export interface ReconcileCounts {
  payments: number;
  matched: number;
  corrected: number;
  localOnly: number;
  providerOnly: number;
  conflicting: number;
  /** Skipped this run: outbox work for it is pending or leased. */
  inFlight: number;
  /** Outbox messages retried (dead letters) or re-enqueued. */
  redriven: number;
  /** Provider unreachable for this payment; it is looked at again next run. */
  errors: number;
}

export interface PaymentReconciledData {
  runId: string;
  paymentId: string | null;
  providerPaymentId: string | null;
  result: ReconcileResult;
  /** Set for conflicting and provider-only payments: a person must decide. */
  needsAttention: boolean;
  detail: string[];
  eventsWritten: string[];
}

export interface ReconcileRun {
  runId: string;
  since: string;
  startedAt: string;
  completedAt: string | null;
  counts: ReconcileCounts | null;
}

export function emptyCounts(): ReconcileCounts {
  return {
    payments: 0,
    matched: 0,
    corrected: 0,
    localOnly: 0,
    providerOnly: 0,
    conflicting: 0,
    inFlight: 0,
    redriven: 0,
    errors: 0,
  };
}

export class RunRecorder {
  private version = 0;
  private readonly streamId: string;

  constructor(
    private readonly store: EventStore,
    readonly runId: string,
  ) {
    this.streamId = `${RECONCILIATION_STREAM_PREFIX}${runId}`;
  }

  async started(since: Date, at: Date): Promise<void> {
    await this.write([
      {
        type: 'ReconciliationStarted',
        data: { runId: this.runId, since: since.toISOString(), startedAt: at.toISOString() },
      },
    ]);
  }

  async items(items: PaymentReconciledData[]): Promise<void> {
    for (let i = 0; i < items.length; i += 200) {
      await this.write(items.slice(i, i + 200).map((data) => ({ type: 'PaymentReconciled', data })));
    }
  }

  async completed(counts: ReconcileCounts, at: Date): Promise<void> {
    await this.write([
      { type: 'ReconciliationCompleted', data: { runId: this.runId, counts, completedAt: at.toISOString() } },
    ]);
  }

  private async write(events: NewEvent[]): Promise<void> {
    const r = await this.store.append(this.streamId, events, {
      expectedVersion: this.version === 0 ? 'no_stream' : this.version,
    });
    this.version = r.nextExpectedVersion;
  }
}

/** The most recent runs, newest first (started ones without a completion are in progress or crashed). */
export async function recentRuns(store: EventStore, limit = 20): Promise<ReconcileRun[]> {
  const runs = new Map<string, ReconcileRun>();
  let after = '';
  for (;;) {
    const page = await store.readAll({
      after,
      limit: 1000,
      streamPrefix: RECONCILIATION_STREAM_PREFIX,
      types: ['ReconciliationStarted', 'ReconciliationCompleted'],
    });
    for (const e of page) {
      const d = e.data as {
        runId: string;
        since?: string;
        startedAt?: string;
        counts?: ReconcileCounts;
        completedAt?: string;
      };
      if (e.type === 'ReconciliationStarted') {
        runs.set(d.runId, {
          runId: d.runId,
          since: d.since ?? '',
          startedAt: d.startedAt ?? '',
          completedAt: null,
          counts: null,
        });
      } else {
        const run = runs.get(d.runId);
        if (run) Object.assign(run, { completedAt: d.completedAt ?? null, counts: d.counts ?? null });
      }
    }
    if (page.length < 1000) break;
    after = page[page.length - 1]!.checkpoint;
  }
  return [...runs.values()].reverse().slice(0, limit);
}
