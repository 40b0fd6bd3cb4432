import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reachableHost, type Service, serve } from '../../src/app/server.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import type { DeliveryAttempt } from '../../src/simulator/webhooks.js';

// 127.0.0.2 is a loopback address of its own: a server bound there is not reachable on 127.0.0.1.
describe('embedded simulator webhooks when the API listens on a specific address', () => {
  let dir: string;
  let service: Service;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paystream-webhook-host-'));
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir: dir,
        server: { host: '127.0.0.2', port: 0 },
        auth: { bootstrapKey: false },
        api: { paymentWaitMs: 0 },
        logLevel: 'silent',
      },
    });
    service = await serve(config, { logger: createLogger({ level: 'silent' }) });
  });
  after(async () => {
    await service.shutdown('test');
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers them to the address the API listens on', async () => {
    const sim = service.container.provider.simulator;
    assert.ok(sim, 'the embedded simulator runs');
    const firstAttempt = once(sim.webhooks, 'attempt') as Promise<[DeliveryAttempt]>;
    await service.container.commands.createPayment(
      { amount: 1000, currency: 'eur', paymentMethod: 'pm_card_visa' },
      { actor: 'key_test', correlationId: 'c-host' },
    );
    const [attempt] = await firstAttempt;
    assert.equal(attempt.ok, true, `first delivery answered ${attempt.status}`);
  });
});

describe('reachableHost', () => {
  it('maps the wildcard addresses to loopback and brackets IPv6', () => {
    assert.equal(reachableHost('0.0.0.0'), '127.0.0.1');
    assert.equal(reachableHost('::'), '[::1]');
    assert.equal(reachableHost('::1'), '[::1]');
    assert.equal(reachableHost('127.0.0.2'), '127.0.0.2');
    assert.equal(reachableHost('localhost'), 'localhost');
  });
});
