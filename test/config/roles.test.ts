import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';

// An API-only process runs no projector: the invalidations of its read cache come from the worker's,
// through Redis. With an in-process cache nothing would ever invalidate it, and GET would serve
// payments as they were when first read, for the whole TTL.
const STANDALONE_SIMULATOR = {
  PAYSTREAM_SIMULATOR_EMBEDDED: 'false',
  PAYSTREAM_STRIPE_HOST: 'simulator',
  PAYSTREAM_STRIPE_PORT: '12111',
  PAYSTREAM_STRIPE_PROTOCOL: 'http',
};

describe('PAYSTREAM_ROLE=api', () => {
  test('with the in-process (memory) cache is a configuration error naming PAYSTREAM_CACHE', () => {
    assert.throws(
      () => loadConfig({ env: { PAYSTREAM_ROLE: 'api' } }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.code, 'PAY_CONFIG_INVALID');
        assert.match(e.message, /PAYSTREAM_CACHE \(cache\.kind\)/);
        return true;
      },
    );
  });

  test('with the Redis cache loads', () => {
    const c = loadConfig({
      env: {
        ...STANDALONE_SIMULATOR,
        PAYSTREAM_ROLE: 'api',
        PAYSTREAM_CACHE: 'redis',
        PAYSTREAM_REDIS_URL: 'redis://127.0.0.1:6379',
      },
    });
    assert.equal(c.role, 'api');
    assert.equal(c.cache.kind, 'redis');
  });

  test('the all and worker roles keep the memory cache', () => {
    assert.equal(
      loadConfig({ env: { ...STANDALONE_SIMULATOR, PAYSTREAM_ROLE: 'worker' } }).cache.kind,
      'memory',
    );
    assert.equal(loadConfig({ env: {} }).cache.kind, 'memory');
  });
});

// The embedded simulator's state lives in one process; split roles would each see an empty one.
describe('split roles and the embedded simulator', () => {
  for (const role of ['api', 'worker']) {
    test(`PAYSTREAM_ROLE=${role} with the embedded simulator is a configuration error`, () => {
      assert.throws(
        () =>
          loadConfig({
            env: {
              PAYSTREAM_ROLE: role,
              PAYSTREAM_CACHE: 'redis',
              PAYSTREAM_REDIS_URL: 'redis://127.0.0.1:6379',
            },
          }),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.match(e.message, /PAYSTREAM_SIMULATOR_EMBEDDED/);
          return true;
        },
      );
    });
  }

  test('PAYSTREAM_ROLE=all keeps the embedded simulator', () => {
    assert.equal(loadConfig({ env: {} }).simulator.embedded, true);
  });
});
