import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';

// An API-only process runs no projector: the invalidations of its read cache come from the worker's,
// through Redis. With an in-process cache nothing would ever invalidate it, and GET would serve
// payments as they were when first read, for the whole TTL.
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
      env: { PAYSTREAM_ROLE: 'api', PAYSTREAM_CACHE: 'redis', PAYSTREAM_REDIS_URL: 'redis://127.0.0.1:6379' },
    });
    assert.equal(c.role, 'api');
    assert.equal(c.cache.kind, 'redis');
  });

  test('the all and worker roles keep the memory cache', () => {
    assert.equal(loadConfig({ env: { PAYSTREAM_ROLE: 'worker' } }).cache.kind, 'memory');
    assert.equal(loadConfig({ env: {} }).cache.kind, 'memory');
  });
});
