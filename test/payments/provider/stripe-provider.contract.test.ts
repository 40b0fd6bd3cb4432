import { after } from 'node:test';
import { StripeProvider } from '../../../src/payments/provider/stripe/stripeProvider.js';
import { providerContract } from '../../../src/payments/provider/testing/providerContract.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';

let sim: Simulator | undefined;
after(() => sim?.close());

providerContract('StripeProvider against the simulator', async () => {
  sim = await startSimulator({ apiKey: 'sk_test_contract' });
  const provider = new StripeProvider({
    apiKey: 'sk_test_contract',
    host: sim.host,
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  const s = sim;
  return { provider, capturesOf: (id: string) => s.capturesOf(id) };
});
