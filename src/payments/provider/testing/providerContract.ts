/**
 * The one conformance suite for PaymentProvider adapters: `providerContract(name, makeProvider)`
 * registers node:test cases over the port. Run against the StripeProvider pointed at the simulator,
 * and against the simulator driven through the raw SDK (test/simulator/sdk-contract.test.ts).
 * Scenarios live in providerScenarios.ts so every run shares them.
 */
import { before, describe, it } from 'node:test';
import type { PaymentProvider } from '../port.js';
import { PROVIDER_SCENARIOS } from './providerScenarios.js';

export interface ProviderUnderTest {
  provider: PaymentProvider;
  /**
   * The provider's own count of captures for a payment, when the test can see it (the simulator
   * can; Stripe cannot): proves a replayed call did not take money twice.
   */
  capturesOf?: (providerPaymentId: string) => number | Promise<number>;
}

export type MakeProvider = () =>
  | PaymentProvider
  | ProviderUnderTest
  | Promise<PaymentProvider | ProviderUnderTest>;

function isUnderTest(x: PaymentProvider | ProviderUnderTest): x is ProviderUnderTest {
  return 'provider' in x && typeof (x as ProviderUnderTest).provider === 'object';
}

export function providerContract(name: string, makeProvider: MakeProvider): void {
  describe(`PaymentProvider contract: ${name}`, () => {
    let sut: ProviderUnderTest;
    before(async () => {
      const made = await makeProvider();
      sut = isUnderTest(made) ? made : { provider: made };
    });
    for (const scenario of PROVIDER_SCENARIOS) {
      it(scenario.name, () => scenario.run(sut));
    }
  });
}
