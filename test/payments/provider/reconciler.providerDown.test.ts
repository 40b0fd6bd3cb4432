import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PaymentProvider } from '../../../src/payments/provider/port.js';
import { ERROR_CATALOG } from '../../../src/shared/errorCatalog.js';
import { isPaystreamError } from '../../../src/shared/errors.js';
import { wrapProvider } from '../../support/wrapProvider.js';
import { memoryRig, stripeAt } from './support/memoryRig.js';

describe('Reconciler when the provider cannot list its payments', () => {
  it('fails the run with PAY_PROVIDER_UNAVAILABLE (503), not an uncoded internal error', async () => {
    // Never called: listPayments is overridden and no payment is local.
    const real = stripeAt('sk_test_unused', { host: '127.0.0.1', port: 9 });
    const provider: PaymentProvider = wrapProvider(real, {
      listPayments: async () => ({ outcome: 'retryable', reason: 'provider down', status: 503 }),
    });
    const reconciler = memoryRig(provider).reconciler();
    await assert.rejects(reconciler.reconcile(), (e: unknown) => {
      assert.ok(isPaystreamError(e), `a PaystreamError, got ${String(e)}`);
      assert.equal(e.code, 'PAY_PROVIDER_UNAVAILABLE');
      assert.equal(ERROR_CATALOG[e.code].status, 503);
      assert.match(e.message, /retryable/);
      return true;
    });
  });
});
