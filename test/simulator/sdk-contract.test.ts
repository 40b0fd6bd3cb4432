import { after } from 'node:test';
import Stripe from 'stripe';
import { providerContract } from '../../src/payments/provider/testing/providerContract.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { rawSdkProvider } from './support/rawSdkProvider.js';

let sim: Simulator | undefined;
after(() => sim?.close());

providerContract('the simulator through the raw official SDK', async () => {
  sim = await startSimulator();
  const stripe = new Stripe('sk_test_rawsdk', {
    host: sim.host,
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  });
  const s = sim;
  return { provider: rawSdkProvider(stripe), capturesOf: (id: string) => s.capturesOf(id) };
});
