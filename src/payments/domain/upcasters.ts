/**
 * Older shapes of the payment events, upcast to the current ones on read.
 * PaymentRequested v1 predates manual capture and metadata; v2 (current) has both.
 */
import { UpcasterRegistry } from '../../eventsourcing/upcasting.js';

interface PaymentRequestedV1 {
  paymentId: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  customer?: string | null;
  description?: string | null;
  requestedAt: string;
}

export function paymentRequestedV1toV2(data: unknown): unknown {
  const d = data as PaymentRequestedV1;
  return {
    ...d,
    captureMethod: 'automatic',
    customer: d.customer ?? null,
    description: d.description ?? null,
    metadata: {},
  };
}

export function createPaymentUpcasters(): UpcasterRegistry {
  return new UpcasterRegistry().register('PaymentRequested', 1, paymentRequestedV1toV2);
}

/** Shared by the command side and the read side. */
export const paymentUpcasters: UpcasterRegistry = createPaymentUpcasters();
