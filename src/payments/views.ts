/**
 * Read-side shapes, shared by the query handlers and the HTTP layer. The payment view is the
 * public API object (snake_case), so the HTTP layer serves it as is.
 */
import type { CaptureMethod, PaymentStatus, RefundStatus } from './domain/events.js';

export interface RefundView {
  id: string;
  amount: number;
  status: RefundStatus;
  reason: string | null;
  provider_refund_id: string | null;
  failure_message: string | null;
  created: string;
}

export interface PaymentView {
  id: string;
  object: 'payment';
  status: PaymentStatus;
  amount: number;
  amount_capturable: number;
  amount_captured: number;
  amount_refunded: number;
  /** amount_captured - amount_refunded */
  amount_net: number;
  currency: string;
  capture_method: CaptureMethod;
  payment_method: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  failure_code: string | null;
  decline_code: string | null;
  failure_message: string | null;
  cancellation_reason: string | null;
  refunds: RefundView[];
  provider_payment_id: string | null;
  /** ISO 8601 */
  created: string;
  updated: string;
  /** Stream version: the ETag. */
  version: number;
}

export interface PaymentListFilter {
  status?: PaymentStatus;
  currency?: string;
  customer?: string;
  createdGte?: string;
  createdLte?: string;
  amountGte?: number;
  amountLte?: number;
  /** Default 10, max 100. */
  limit?: number;
  /** Payment id: the page starts after it (newest first). */
  startingAfter?: string;
}

export interface PaymentList {
  data: PaymentView[];
  has_more: boolean;
}

export interface AuditEntry {
  id: string;
  type: string;
  schema_version: number;
  stream_version: number;
  global_position: number;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: string;
}

export interface CurrencyDashboard {
  currency: string;
  count: number;
  succeeded: number;
  failed: number;
  amount_captured: number;
  amount_refunded: number;
  /** succeeded / (succeeded + failed), 0..1; null when neither */
  success_rate: number | null;
  last_payment_at: string | null;
  last_failure_at: string | null;
}

export interface DashboardView {
  currencies: CurrencyDashboard[];
}

export type TimeBucket = 'minute' | 'hour' | 'day';

export interface TimeseriesPoint {
  bucket_start: string;
  currency: string;
  count: number;
  succeeded: number;
  failed: number;
  amount_captured: number;
  amount_refunded: number;
}
