/**
 * The payment provider of a deployment: Stripe through the official SDK, or the bundled
 * simulator — started in this process when `simulator.embedded` — reached through the very same
 * StripeProvider adapter, so the embedded default exercises the production code path.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../observability/metrics.js';
import type { PaymentProvider } from '../payments/provider/port.js';
import { StripeProvider } from '../payments/provider/stripe/stripeProvider.js';
import { type Simulator, startSimulator } from '../simulator/index.js';

export interface ProviderSetup {
  provider: PaymentProvider;
  /** The secret webhooks are signed with (Stripe's endpoint secret, or the embedded simulator's). */
  webhookSecret: string | undefined;
  /** Present when the simulator runs in this process. */
  simulator?: Simulator;
  /** Registers our webhook URL with the embedded simulator once the API listens. */
  connectWebhooks(url: string): void;
  close(): Promise<void>;
}

const EMBEDDED_KEY = 'sk_test_paystream_embedded';

export async function setupProvider(config: Config, metrics: Metrics): Promise<ProviderSetup> {
  const p = config.provider;
  if (p.kind === 'stripe' || !config.simulator.embedded) {
    const provider = new StripeProvider({
      apiKey: p.stripe.apiKey ?? EMBEDDED_KEY,
      host: p.stripe.host,
      port: p.stripe.port,
      protocol: p.stripe.protocol,
      timeoutMs: p.stripe.timeoutMs,
      maxNetworkRetries: p.stripe.maxNetworkRetries,
      metrics,
    });
    return { provider, webhookSecret: p.webhookSecret, connectWebhooks: () => {}, close: async () => {} };
  }
  return embeddedSimulator(config, metrics);
}

async function embeddedSimulator(config: Config, metrics: Metrics): Promise<ProviderSetup> {
  const s = config.simulator;
  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: s.port,
    apiKey: EMBEDDED_KEY,
    faults: {
      seed: s.seed ?? randomBytes(4).readUInt32LE(0),
      errorRate: s.errorRate,
      timeoutRate: s.timeoutRate,
      declineRate: s.declineRate,
      latencyMs: s.latencyMs,
      webhook: { dropRate: s.webhookDropRate, duplicateRate: s.webhookDuplicateRate },
    },
  });
  const webhookSecret = config.provider.webhookSecret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const provider = new StripeProvider({
    apiKey: EMBEDDED_KEY,
    host: simulator.host,
    port: simulator.port,
    protocol: 'http',
    timeoutMs: config.provider.stripe.timeoutMs,
    maxNetworkRetries: config.provider.stripe.maxNetworkRetries,
    metrics,
  });
  let connected = false;
  return {
    provider,
    webhookSecret,
    simulator,
    connectWebhooks(url) {
      if (connected) return;
      connected = true;
      simulator.addWebhookEndpoint({ url, secret: webhookSecret });
    },
    close: () => simulator.close(),
  };
}
