/**
 * What the HTTP layer (and CLI) call: the payment command and query services.
 * Implemented in commands/ (write side) and queries/ (read side); wired in src/main.ts.
 */
import type { CaptureMethod } from './domain/events.js';
import type {
  AuditEntry,
  DashboardView,
  PaymentList,
  PaymentListFilter,
  PaymentView,
  TimeBucket,
  TimeseriesPoint,
} from './views.js';

export interface CommandContext {
  /** API key id (or 'system:*'), stored as the events' actor. */
  actor: string;
  correlationId: string;
  causationId?: string;
  /** Scoped by actor by the service: the same key from two API keys never collides. */
  idempotencyKey?: string;
  /** If-Match: the stream version the caller last saw. */
  expectedVersion?: number;
}

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  paymentMethod: string;
  captureMethod?: CaptureMethod;
  customer?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
}

export interface CommandResult {
  paymentId: string;
  /** Stream version after the command. */
  version: number;
  /** Checkpoint of the last event written: pass it as minCheckpoint to read your write. */
  checkpoint: string;
  globalPosition: number;
  /** True when this was an idempotent replay (nothing written). */
  replayed: boolean;
  /** For refunds: the new refund's id. */
  refundId?: string;
}

export interface PaymentCommandService {
  createPayment(input: CreatePaymentInput, ctx: CommandContext): Promise<CommandResult>;
  capturePayment(paymentId: string, input: { amount?: number }, ctx: CommandContext): Promise<CommandResult>;
  cancelPayment(
    paymentId: string,
    input: { reason?: string | null },
    ctx: CommandContext,
  ): Promise<CommandResult>;
  refundPayment(
    paymentId: string,
    input: { amount?: number; reason?: string | null },
    ctx: CommandContext,
  ): Promise<CommandResult>;
}

export interface ReadOptions {
  /** Read-your-writes: wait (bounded, default 2 s) until the read model has applied this checkpoint. */
  minCheckpoint?: string;
  timeoutMs?: number;
  /**
   * When minCheckpoint is not reached within timeoutMs: 'serve' (default) answers from the read
   * model as it is, possibly without the write; 'reject' throws PAY_TIMEOUT (for callers that
   * label what they read with minCheckpoint, such as a cache).
   */
  onTimeout?: 'serve' | 'reject';
}

export interface PaymentQueryService {
  getPayment(paymentId: string, options?: ReadOptions): Promise<PaymentView | undefined>;
  /** Time travel: the payment rebuilt from its events up to a version or a time. */
  getPaymentAsOf(paymentId: string, at: { version?: number; time?: Date }): Promise<PaymentView | undefined>;
  listPayments(filter: PaymentListFilter, options?: ReadOptions): Promise<PaymentList>;
  getHistory(paymentId: string): Promise<AuditEntry[] | undefined>;
  dashboard(options?: ReadOptions): Promise<DashboardView>;
  timeseries(
    bucket: TimeBucket,
    range?: { from?: Date; to?: Date; currency?: string },
  ): Promise<TimeseriesPoint[]>;
}
