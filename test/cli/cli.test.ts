import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openPersistence } from '../../src/app/persistence.js';
import { serve } from '../../src/app/server.js';
import { buildCli } from '../../src/cli/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startSimulator } from '../../src/simulator/index.js';

/** Runs the CLI in-process and returns what it printed on stdout. */
async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const program = buildCli().exitOverride();
    await program.parseAsync(['node', 'paystream', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out.join('');
}

describe('paystream CLI on the embedded SQLite store', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ps-cli-'));
    process.env.PAYSTREAM_DATA_DIR = dir;
  });
  after(() => {
    delete process.env.PAYSTREAM_DATA_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  test('migrate is idempotent', async () => {
    assert.match(await cli('migrate'), /migrations applied \(sqlite\)/);
    assert.match(await cli('migrate'), /migrations applied \(sqlite\)/);
  });

  test('keys create prints the key once; list shows it without the secret; revoke marks it', async () => {
    const created = await cli('keys', 'create', '--scopes', 'payments:read,payments:write', '--name', 'ci');
    const id = /id:\s+(\S+)/.exec(created)?.[1] ?? '';
    const key = /key:\s+(\S+)/.exec(created)?.[1] ?? '';
    assert.ok(id !== '' && key.startsWith(`psk_${id}_`), 'key has the psk_<id>_<secret> form');
    const listed = await cli('keys', 'list');
    assert.match(listed, new RegExp(id));
    assert.ok(!listed.includes(key), 'the secret is never listed');
    await cli('keys', 'revoke', id);
    await assert.rejects(
      cli('keys', 'revoke', id),
      /not found/,
      'a second revoke says the key is not active',
    );
    const config = loadConfig();
    const p = await openPersistence(config, createMetrics());
    try {
      const rec = await p.keyStore.get(id);
      assert.ok(rec?.revokedAt, 'revoked in the store');
    } finally {
      await p.close();
    }
  });

  test('keys create rejects an unknown scope', async () => {
    await assert.rejects(cli('keys', 'create', '--scopes', 'payments:everything'), /unknown scope/);
  });

  test('projections status lists the payments projection; outbox list answers on an empty outbox', async () => {
    assert.match(await cli('projections', 'status'), /payments/);
    assert.match(await cli('outbox', 'list', '--state', 'dead'), /\(none\)/);
  });

  test('events tail --from-start --no-follow prints the log as JSON lines and stops', async () => {
    const config = loadConfig();
    const p = await openPersistence(config, createMetrics());
    try {
      await p.store.append('cli-test-1', [{ type: 'Noted', data: { n: 1 } }]);
      await p.store.append('cli-test-2', [{ type: 'Noted', data: { n: 2 } }]);
    } finally {
      await p.close();
    }
    const lines = (await cli('events', 'tail', '--from-start', '--no-follow', '--prefix', 'cli-test-'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { streamId: string; data: { n: number } });
    assert.deepEqual(
      lines.map((l) => [l.streamId, l.data.n]),
      [
        ['cli-test-1', 1],
        ['cli-test-2', 2],
      ],
    );
  });

  test('projections rebuild needs a name or --all, then rebuilds', async () => {
    await assert.rejects(cli('projections', 'rebuild'), /name a projection or pass --all/);
    assert.match(await cli('projections', 'rebuild', '--all'), /payments: \d+ events/);
  });
});

describe('paystream reconcile', () => {
  test('refuses to run against an embedded simulator it cannot reach', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-cli-rec-'));
    process.env.PAYSTREAM_DATA_DIR = dir;
    try {
      await assert.rejects(cli('reconcile'), /embedded simulator lives inside `paystream serve`/);
    } finally {
      delete process.env.PAYSTREAM_DATA_DIR;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('compares the payments of a running service with a standalone simulator and prints the counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-cli-rec-'));
    const sim = await startSimulator({ port: 0 });
    const env = {
      PAYSTREAM_DATA_DIR: dir,
      PAYSTREAM_SIMULATOR_EMBEDDED: 'false',
      PAYSTREAM_STRIPE_HOST: sim.host,
      PAYSTREAM_STRIPE_PORT: String(sim.port),
      PAYSTREAM_STRIPE_PROTOCOL: 'http',
      PAYSTREAM_STRIPE_API_KEY: 'sk_test_cli',
      PAYSTREAM_PORT: '0',
      PAYSTREAM_LOG_LEVEL: 'silent',
    };
    Object.assign(process.env, env);
    const service = await serve(loadConfig(), { print: () => {} });
    try {
      const key = readFileSync(join(dir, 'admin-key'), 'utf8').trim();
      const res = await fetch(`${service.url}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 700, currency: 'eur', payment_method: 'pm_card_visa' }),
      });
      const payment = (await res.json()) as { status: string };
      assert.equal(payment.status, 'succeeded');
      const out = await cli('reconcile');
      assert.match(out, /reconciliation \S+: 1 payments, 1 matched, 0 corrected/);
    } finally {
      await service.shutdown();
      await sim.close();
      for (const k of Object.keys(env)) delete process.env[k];
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
