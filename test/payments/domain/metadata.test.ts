import { describe, test } from 'node:test';
import { deciderSpec } from '../../../src/eventsourcing/testing/deciderSpec.js';
import { paymentDecider } from '../../../src/payments/domain/payment.js';
import { ev, requestPayment } from './fixtures.js';

const spec = deciderSpec(paymentDecider);
const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

// The provider takes 50 metadata keys and paystream adds its own id (paystream_payment_id) to every
// create: a 50th key of the caller's would only surface later as a provider refusal (a failed payment).
describe('RequestPayment metadata leaves room for paystream’s own key', () => {
  test('49 keys are accepted', () => {
    spec
      .given([])
      .when(requestPayment({ metadata: keys(49) }))
      .then([ev.requested({ metadata: keys(49) })]);
  });
  test('50 keys are PAY_VALIDATION', () => {
    spec
      .given([])
      .when(requestPayment({ metadata: keys(50) }))
      .thenThrows('PAY_VALIDATION');
  });
  test('a key in the reserved paystream_ namespace is PAY_VALIDATION', () => {
    spec
      .given([])
      .when(requestPayment({ metadata: { paystream_payment_id: 'pay_someone_else' } }))
      .thenThrows('PAY_VALIDATION');
  });
});
