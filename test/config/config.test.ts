import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, listSettings, loadConfig, redactConfig } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'paystream-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e;
  }
  assert.fail('expected a ConfigError');
}

describe('.env.example', () => {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  const documented = new Map(
    [...text.matchAll(/^(?:# )?(PAYSTREAM_[A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const),
  );
  documented.delete('PAYSTREAM_CONFIG_FILE');

  test('lists exactly the variables of the schema', () => {
    assert.deepEqual(
      [...documented.keys()].sort(),
      listSettings()
        .map((s) => s.env)
        .sort(),
    );
  });

  test('shows the schema default of each variable', () => {
    for (const s of listSettings()) assert.equal(documented.get(s.env), s.defaultValue, s.env);
  });
});

describe('loadConfig', () => {
  test('defaults: loopback on 3000, sqlite FULL, memory cache, simulator, 5 s payment wait, 64 KB body', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.server.host, '127.0.0.1');
    assert.equal(c.server.port, 3000);
    assert.equal(c.dataDir, './data');
    assert.equal(c.store.kind, 'sqlite');
    assert.equal(c.store.sqliteSynchronous, 'full');
    assert.equal(c.store.pgSynchronousCommit, 'on');
    assert.equal(c.cache.ttlSeconds, 3600);
    assert.equal(c.cache.prefix, 'payment_projection_');
    assert.equal(c.provider.stripe.timeoutMs, 30_000);
    assert.equal(c.provider.stripe.maxNetworkRetries, 3);
    assert.equal(c.api.paymentWaitMs, 5000);
    assert.equal(c.api.readYourWritesTimeoutMs, 2000);
    assert.equal(c.processing.snapshotEvery, 100);
    assert.equal(c.limits.bodyLimitBytes, 65_536);
    assert.equal(c.logLevel, 'info');
  });

  test('reads PAYSTREAM_* variables, coercing numbers and booleans', () => {
    const c = loadConfig({
      env: {
        PAYSTREAM_PORT: '8081',
        PAYSTREAM_METRICS_AUTH: 'true',
        PAYSTREAM_SIMULATOR_DECLINE_RATE: '0.25',
      },
    });
    assert.equal(c.server.port, 8081);
    assert.equal(c.auth.metricsAuth, true);
    assert.equal(c.simulator.declineRate, 0.25);
  });

  test('PORT is used when PAYSTREAM_PORT is unset, and PAYSTREAM_PORT wins when both are set', () => {
    assert.equal(loadConfig({ env: { PORT: '5000' } }).server.port, 5000);
    assert.equal(loadConfig({ env: { PORT: '5000', PAYSTREAM_PORT: '6000' } }).server.port, 6000);
  });

  test('a JSON file is read from PAYSTREAM_CONFIG_FILE and the environment overrides it', () => {
    const file = writeJson('ok.json', { server: { port: 4000, host: '0.0.0.0' }, logLevel: 'debug' });
    const c = loadConfig({ env: { PAYSTREAM_CONFIG_FILE: file, PAYSTREAM_LOG_LEVEL: 'warn' } });
    assert.equal(c.server.port, 4000);
    assert.equal(c.server.host, '0.0.0.0');
    assert.equal(c.logLevel, 'warn');
  });

  test('one error lists every wrong setting, by variable name, with code PAY_CONFIG_INVALID', () => {
    const e = configError(() =>
      loadConfig({
        env: {
          PAYSTREAM_PORT: '70000',
          PAYSTREAM_LOG_LEVEL: 'loud',
          PAYSTREAM_METRICS_AUTH: 'maybe',
          PAYSTREAM_STORE: 'postgres',
          PAYSTREAM_PORTT: '1',
        },
      }),
    );
    assert.equal(e.code, 'PAY_CONFIG_INVALID');
    assert.equal(e.problems.length, 5, e.message);
    for (const name of [
      'PAYSTREAM_PORT (server.port)',
      'PAYSTREAM_LOG_LEVEL',
      'PAYSTREAM_METRICS_AUTH',
      'PAYSTREAM_DATABASE_URL',
      'PAYSTREAM_PORTT: unknown setting',
    ]) {
      assert.ok(e.message.includes(name), `message names ${name}: ${e.message}`);
    }
  });

  test('unknown keys and bad JSON in the file are reported', () => {
    const typo = writeJson('typo.json', { server: { prot: 1 } });
    assert.match(
      configError(() => loadConfig({ env: {}, file: typo })).message,
      /unknown setting "server\.prot"/,
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    assert.match(configError(() => loadConfig({ env: {}, file: bad })).message, /bad\.json/);
  });

  test('the error never echoes a secret value', () => {
    const e = configError(() => loadConfig({ env: { PAYSTREAM_DATABASE_URL: 'not a url s3cr3t-value' } }));
    assert.ok(e.message.includes('PAYSTREAM_DATABASE_URL'));
    assert.ok(!e.message.includes('s3cr3t-value'));
  });

  test('the config is deep-frozen', () => {
    const c = loadConfig({ env: {} });
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.server));
    assert.ok(Object.isFrozen(c.provider.stripe));
    assert.throws(() => {
      (c.server as { port: number }).port = 1;
    }, TypeError);
  });
});

describe('redactConfig', () => {
  test('masks every secret, keeping URLs readable but for the password', () => {
    const c = loadConfig({
      env: {
        PAYSTREAM_STORE: 'postgres',
        PAYSTREAM_DATABASE_URL: 'postgres://app:db-pass-123@db:5432/paystream',
        PAYSTREAM_PROVIDER: 'stripe',
        PAYSTREAM_STRIPE_API_KEY: 'sk_test_abcdef123456',
        PAYSTREAM_WEBHOOK_SECRET: 'whsec_zyxwvu987',
      },
    });
    const text = JSON.stringify(redactConfig(c));
    for (const secret of ['db-pass-123', 'sk_test_abcdef123456', 'whsec_zyxwvu987']) {
      assert.ok(!text.includes(secret), `${secret} masked`);
    }
    assert.ok(text.includes('postgres://app:redacted@db:5432/paystream'));
    assert.equal(c.provider.stripe.apiKey, 'sk_test_abcdef123456', 'the config itself is untouched');
  });
});

test('src/config is the only reader of process.env under src/', () => {
  const root = new URL('../../src/', import.meta.url).pathname;
  const offenders: string[] = [];
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const e of readdirSync(path)) visit(join(path, e));
    } else if (path.endsWith('.ts') && !path.startsWith(join(root, 'config'))) {
      if (/process\.env\b/.test(readFileSync(path, 'utf8'))) offenders.push(path.slice(root.length));
    }
  };
  visit(root);
  assert.deepEqual(offenders, []);
});
