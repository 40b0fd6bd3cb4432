/** A PaymentProvider that forwards every call to `real` except the ones overridden (fault injection in tests). */
import type { PaymentProvider } from '../../src/payments/provider/port.js';

export function wrapProvider(
  real: PaymentProvider,
  overrides: Partial<PaymentProvider> = {},
): PaymentProvider {
  return {
    createPayment: (req) => real.createPayment(req),
    capture: (id, req) => real.capture(id, req),
    cancel: (id, req) => real.cancel(id, req),
    refund: (req) => real.refund(req),
    retrievePayment: (id) => real.retrievePayment(id),
    retrieveRefund: (id) => real.retrieveRefund(id),
    listRefunds: (id) => real.listRefunds(id),
    listPayments: (req) => real.listPayments(req),
    listEvents: (req) => real.listEvents(req),
    ...overrides,
  };
}
