/** Provider sections of the config schema (see schema.ts): provider, Stripe, simulator. */
import { z } from 'zod';
import { bool, int, rate, setting, toNumber } from './fields.js';

const stripe = z
  .object({
    apiKey: setting(z.string().min(1).optional(), {
      env: 'PAYSTREAM_STRIPE_API_KEY',
      doc: 'Stripe secret key (required when PAYSTREAM_PROVIDER=stripe)',
      secret: true,
    }),
    host: setting(z.string().min(1).optional(), {
      env: 'PAYSTREAM_STRIPE_HOST',
      doc: "Stripe API host; unset = Stripe's own (api.stripe.com)",
    }),
    port: setting(z.preprocess(toNumber, z.number().int().min(1).max(65535)).optional(), {
      env: 'PAYSTREAM_STRIPE_PORT',
      doc: 'Stripe API port; unset = 443',
    }),
    protocol: setting(z.enum(['https', 'http']).default('https'), {
      env: 'PAYSTREAM_STRIPE_PROTOCOL',
      doc: 'Stripe API protocol',
    }),
    timeoutMs: setting(int(30_000, 1), { env: 'PAYSTREAM_STRIPE_TIMEOUT_MS', doc: 'Stripe request timeout' }),
    maxNetworkRetries: setting(int(3, 0, 20), {
      env: 'PAYSTREAM_STRIPE_MAX_NETWORK_RETRIES',
      doc: 'Retries of failed Stripe network calls (idempotency keys make them safe)',
    }),
  })
  .strict();

export const provider = z
  .object({
    kind: setting(z.enum(['simulator', 'stripe']).default('simulator'), {
      env: 'PAYSTREAM_PROVIDER',
      doc: 'Payment provider: simulator | stripe',
    }),
    webhookSecret: setting(z.string().min(1).optional(), {
      env: 'PAYSTREAM_WEBHOOK_SECRET',
      doc: 'Secret that signs provider webhooks (whsec_…); required with stripe',
      secret: true,
    }),
    stripe: stripe.prefault({}),
  })
  .strict();

export const simulator = z
  .object({
    embedded: setting(bool(true), {
      env: 'PAYSTREAM_SIMULATOR_EMBEDDED',
      doc: 'Run the provider simulator inside this process (provider=simulator)',
    }),
    port: setting(int(0, 0, 65535), {
      env: 'PAYSTREAM_SIMULATOR_PORT',
      doc: 'Simulator listen port; 0 = ephemeral',
    }),
    seed: setting(z.preprocess(toNumber, z.number().int()).optional(), {
      env: 'PAYSTREAM_SIMULATOR_SEED',
      doc: 'Seed of the simulator random faults; unset = random',
    }),
    declineRate: setting(rate(0), {
      env: 'PAYSTREAM_SIMULATOR_DECLINE_RATE',
      doc: 'Share of payments declined',
    }),
    errorRate: setting(rate(0), {
      env: 'PAYSTREAM_SIMULATOR_ERROR_RATE',
      doc: 'Share of API calls answered with a 5xx',
    }),
    timeoutRate: setting(rate(0), {
      env: 'PAYSTREAM_SIMULATOR_TIMEOUT_RATE',
      doc: 'Share of API calls that never answer',
    }),
    latencyMs: setting(int(0, 0), {
      env: 'PAYSTREAM_SIMULATOR_LATENCY_MS',
      doc: 'Added latency per API call',
    }),
    webhookDropRate: setting(rate(0), {
      env: 'PAYSTREAM_SIMULATOR_WEBHOOK_DROP_RATE',
      doc: 'Share of webhooks never sent',
    }),
    webhookDuplicateRate: setting(rate(0), {
      env: 'PAYSTREAM_SIMULATOR_WEBHOOK_DUPLICATE_RATE',
      doc: 'Share of webhooks sent twice',
    }),
  })
  .strict();
