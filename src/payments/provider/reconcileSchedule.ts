/**
 * Reconciliation on a schedule, plus the CLI entry point. A run never overlaps another (the
 * reconciler shares a run in progress); a failed run is logged and the next tick tries again.
 */
import cliProgress from 'cli-progress';
import type { Metrics } from '../../observability/metrics.js';
import type { ReconcileReport, Reconciler } from './reconciler.js';

export interface ReconcileSchedule {
  start(): void;
  stop(): Promise<void>;
}

export function reconcileSchedule(
  reconciler: Reconciler,
  options: {
    intervalMs: number;
    /** Look-back of each scheduled run; default two intervals, at least one hour. */
    windowMs?: number;
    metrics?: Metrics;
    logger?: { info(o: object, m: string): void; error(o: object, m: string): void };
  },
): ReconcileSchedule {
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<unknown> | null = null;
  const windowMs = options.windowMs ?? Math.max(2 * options.intervalMs, 3_600_000);
  const tick = () => {
    if (current) return;
    current = reconciler
      .reconcile({ since: new Date(Date.now() - windowMs) })
      .then((r) => {
        recordMetrics(r, options.metrics);
        options.logger?.info({ runId: r.runId, counts: r.counts }, 'reconciliation completed');
      })
      .catch((e: unknown) =>
        options.logger?.error({ err: e instanceof Error ? e.message : String(e) }, 'reconciliation failed'),
      )
      .finally(() => {
        current = null;
      });
  };
  return {
    start() {
      if (timer || options.intervalMs <= 0) return;
      timer = setInterval(tick, options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await current;
    },
  };
}

export function recordMetrics(r: ReconcileReport, metrics: Metrics | undefined): void {
  if (!metrics) return;
  const c = r.counts;
  const pairs: Array<[string, number]> = [
    ['matched', c.matched],
    ['corrected', c.corrected],
    ['local_only', c.localOnly],
    ['provider_only', c.providerOnly],
    ['conflicting', c.conflicting],
    ['in_flight', c.inFlight],
    ['error', c.errors],
  ];
  for (const [result, n] of pairs) if (n > 0) metrics.reconciliationResults.inc({ result }, n);
}

/** `paystream reconcile [--since <ISO>]`: one run with a progress bar, then the counts. */
export async function reconcileCommand(
  reconciler: Reconciler,
  options: { since?: string | Date; progress?: boolean; out?: NodeJS.WritableStream; metrics?: Metrics },
): Promise<ReconcileReport> {
  const out = options.out ?? process.stdout;
  const since = options.since === undefined ? undefined : new Date(options.since);
  if (since && Number.isNaN(since.getTime()))
    throw new RangeError(`--since is not a date: ${String(options.since)}`);
  const bar = options.progress
    ? new cliProgress.SingleBar(
        { stream: out, format: 'reconciling [{bar}] {value}/{total}' },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  const report = await reconciler.reconcile({
    ...(since ? { since } : {}),
    onProgress: ({ done, total }) => {
      if (!bar) return;
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
  });
  bar?.stop();
  recordMetrics(report, options.metrics);
  const c = report.counts;
  out.write(
    `reconciliation ${report.runId}: ${c.payments} payments, ${c.matched} matched, ${c.corrected} corrected, ` +
      `${c.localOnly} local-only, ${c.providerOnly} provider-only, ${c.conflicting} conflicting, ` +
      `${c.inFlight} in flight, ${c.errors} errors, ${c.redriven} re-driven\n`,
  );
  for (const i of report.items.filter((x) => x.needsAttention)) {
    out.write(`  needs attention: ${i.paymentId ?? i.providerPaymentId}: ${i.detail.join('; ')}\n`);
  }
  return report;
}
