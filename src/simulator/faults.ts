/**
 * Fault injection, reproducible from a seed: the same seed and the same sequence of API calls
 * give the same faults. API faults and webhook faults draw from separate generators so that
 * webhook timing (asynchronous) never shifts the API sequence.
 */
import { mulberry32, type Random } from './prng.js';

export interface WebhookFaultConfig {
  dropRate: number;
  duplicateRate: number;
  reorderRate: number;
  delayRate: number;
  delayMs: number;
}

export interface FaultConfig {
  seed: number;
  /** Share of API calls answered with an error from errorStatuses (picked uniformly). */
  errorRate: number;
  errorStatuses: number[];
  /** Every API call waits latencyMs plus a uniform extra in [0, latencyJitterMs). */
  latencyMs: number;
  latencyJitterMs: number;
  /** Share of API calls processed whose response never comes. */
  timeoutRate: number;
  /** Share of confirmations declined (generic_decline) although the test card would succeed. */
  declineRate: number;
  /** hang: hold the socket until the client gives up; destroy: reset it after timeoutAfterMs. */
  timeoutMode: 'hang' | 'destroy';
  timeoutAfterMs: number;
  webhook: WebhookFaultConfig;
}

export type ApiFault =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'error'; status: number; latencyMs: number }
  | { kind: 'timeout'; latencyMs: number };

export interface WebhookFault {
  drop: boolean;
  duplicate: boolean;
  reorder: boolean;
  delayMs: number;
}

export type FaultOptions = Partial<Omit<FaultConfig, 'webhook'>> & { webhook?: Partial<WebhookFaultConfig> };

export const NO_FAULTS: FaultConfig = {
  seed: 1,
  errorRate: 0,
  errorStatuses: [500, 503, 429],
  latencyMs: 0,
  latencyJitterMs: 0,
  timeoutRate: 0,
  declineRate: 0,
  timeoutMode: 'hang',
  timeoutAfterMs: 1000,
  webhook: { dropRate: 0, duplicateRate: 0, reorderRate: 0, delayRate: 0, delayMs: 0 },
};

function clampRate(name: string, v: number): number {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${v}`);
  return v;
}

export class FaultInjector {
  private cfg: FaultConfig = NO_FAULTS;
  private apiRandom: Random = mulberry32(NO_FAULTS.seed);
  private webhookRandom: Random = mulberry32(NO_FAULTS.seed);
  private declineRandom: Random = mulberry32(NO_FAULTS.seed);

  constructor(options: FaultOptions = {}) {
    this.configure(options, true);
  }

  get config(): FaultConfig {
    return structuredClone(this.cfg);
  }

  /** Merges options into the current config; `reset` (or a new seed) restarts both generators. */
  configure(options: FaultOptions, reset = false): FaultConfig {
    const webhook = { ...(reset ? NO_FAULTS.webhook : this.cfg.webhook), ...options.webhook };
    const next: FaultConfig = { ...(reset ? NO_FAULTS : this.cfg), ...options, webhook };
    for (const k of ['errorRate', 'timeoutRate', 'declineRate'] as const) clampRate(k, next[k]);
    for (const k of ['dropRate', 'duplicateRate', 'reorderRate', 'delayRate'] as const)
      clampRate(k, webhook[k]);
    if (next.errorStatuses.length === 0) throw new RangeError('errorStatuses must not be empty');
    this.cfg = next;
    if (reset || options.seed !== undefined) {
      this.apiRandom = mulberry32(next.seed);
      // A different stream from the same seed: golden-ratio offset, a common splitting constant.
      this.webhookRandom = mulberry32((next.seed ^ 0x9e3779b9) >>> 0);
      // Declines draw from a third stream, once per confirmation, so they never shift the API faults.
      this.declineRandom = mulberry32((next.seed ^ 0x85ebca6b) >>> 0);
    }
    return this.config;
  }

  /** Always draws four numbers, so the sequence does not depend on which faults are enabled. */
  nextApiFault(): ApiFault {
    const [rError, rStatus, rTimeout, rLatency] = [
      this.apiRandom(),
      this.apiRandom(),
      this.apiRandom(),
      this.apiRandom(),
    ];
    const c = this.cfg;
    const latencyMs = c.latencyMs + Math.floor(rLatency * c.latencyJitterMs);
    if (rError < c.errorRate) {
      const status = c.errorStatuses[Math.floor(rStatus * c.errorStatuses.length)] ?? 500;
      return { kind: 'error', status, latencyMs };
    }
    if (rTimeout < c.timeoutRate) return { kind: 'timeout', latencyMs };
    return { kind: 'none', latencyMs };
  }

  /** Whether this confirmation is declined by declineRate; draws one number per confirmation. */
  nextDecline(): boolean {
    return this.declineRandom() < this.cfg.declineRate;
  }

  nextWebhookFault(): WebhookFault {
    const r = [this.webhookRandom(), this.webhookRandom(), this.webhookRandom(), this.webhookRandom()];
    const w = this.cfg.webhook;
    return {
      drop: (r[0] ?? 1) < w.dropRate,
      duplicate: (r[1] ?? 1) < w.duplicateRate,
      reorder: (r[2] ?? 1) < w.reorderRate,
      delayMs: (r[3] ?? 1) < w.delayRate ? w.delayMs : 0,
    };
  }
}
