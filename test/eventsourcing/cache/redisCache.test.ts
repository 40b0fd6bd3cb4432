import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisCache, type RedisCacheOptions } from '../../../src/eventsourcing/cache/redisCache.js';
import { cacheContract, counterValue, eventually } from '../../../src/eventsourcing/testing/cacheContract.js';
import { createMetrics } from '../../../src/observability/metrics.js';

const REDIS_URL = process.env.PAYSTREAM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const base = `test_cache_${randomUUID().slice(0, 8)}_`;
const raw = new Redis(REDIS_URL, { lazyConnect: true });

async function makeRedisCache(options: RedisCacheOptions): Promise<RedisCache> {
  const cache = new RedisCache({ url: REDIS_URL, ...options });
  assert.ok(await cache.ready(3000), 'redis cache connected and subscribed');
  return cache;
}

after(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${base}*`, 'COUNT', 500);
    if (keys.length > 0) await raw.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await raw.quit();
});

cacheContract('RedisCache', (options) => makeRedisCache(options), { shared: true, prefixBase: base });

describe('RedisCache near-cache', () => {
  it('serves repeated reads from the near-cache until another instance invalidates the key', async () => {
    const prefix = `${base}near_${randomUUID().slice(0, 8)}_`;
    const a = await makeRedisCache({ prefix });
    const b = await makeRedisCache({ prefix });
    try {
      await a.set('k', 'v1');
      assert.equal(await b.get('k'), 'v1');
      // Written behind the caches' back: only a near-cache hit can still answer v1.
      await raw.set(`${prefix}k`, JSON.stringify('v2'));
      assert.equal(await b.get('k'), 'v1');
      const seen = new Promise<readonly string[]>((resolve) => b.onInvalidate(resolve));
      await a.delete('k');
      assert.deepEqual(await seen, ['k']);
      assert.equal(await b.get('k'), undefined);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('reads straight from Redis when the near-cache is off', async () => {
    const prefix = `${base}nonear_${randomUUID().slice(0, 8)}_`;
    const cache = await makeRedisCache({ prefix, nearCache: false });
    try {
      await cache.set('k', 'v1');
      await raw.set(`${prefix}k`, JSON.stringify('v2'));
      assert.equal(await cache.get('k'), 'v2');
    } finally {
      await cache.close();
    }
  });

  it('treats a value it cannot parse as a miss and counts an error', async () => {
    const prefix = `${base}garbage_${randomUUID().slice(0, 8)}_`;
    const cache = await makeRedisCache({ prefix });
    try {
      await raw.set(`${prefix}k`, '{not json');
      assert.equal(await cache.get('k'), undefined);
      assert.deepEqual(cache.stats(), { hits: 0, misses: 1, errors: 1 });
    } finally {
      await cache.close();
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  assert.ok(address && typeof address === 'object');
  return address.port;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe('RedisCache outage', () => {
  it('answers misses quickly and never throws when nothing listens on the port', async () => {
    const metrics = createMetrics();
    const cache = new RedisCache({
      url: `redis://127.0.0.1:${await freePort()}`,
      metrics,
      commandTimeoutMs: 50,
    });
    try {
      const read = await timed(() => cache.get('k'));
      assert.equal(read.value, undefined);
      assert.ok(read.ms < 200, `miss answered in ${read.ms.toFixed(1)} ms`);
      await cache.set('k', { n: 1 });
      await cache.delete(['k']);
      assert.equal(await cache.get('k'), undefined);
      assert.deepEqual(cache.stats(), { hits: 0, misses: 2, errors: 4 });
      assert.equal(await counterValue(metrics, 'cacheErrors', 'redis'), 4);
    } finally {
      await cache.close();
    }
  });

  it('times out commands to a server that accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => sockets.add(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    // Without the ready check the client counts as ready once TCP connects, so commands are sent.
    const cache = new RedisCache({
      url: `redis://127.0.0.1:${port}`,
      commandTimeoutMs: 50,
      redis: { enableReadyCheck: false },
    });
    try {
      await once(server, 'connection');
      const read = await timed(() => cache.get('k'));
      assert.equal(read.value, undefined);
      assert.ok(read.ms < 250, `miss answered in ${read.ms.toFixed(1)} ms`);
      await cache.set('k', 1);
      assert.equal(cache.stats().errors, 2);
    } finally {
      await cache.close();
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('reconnects by itself after its connections are killed', async () => {
    const prefix = `${base}kill_${randomUUID().slice(0, 8)}_`;
    const connectionName = `${prefix}conn`;
    const cache = await makeRedisCache({ prefix, redis: { connectionName } });
    const peer = await makeRedisCache({ prefix });
    try {
      await cache.set('k', 'before');
      const clients = (await raw.client('LIST')) as string;
      const ids = clients
        .split('\n')
        .filter((line) => line.includes(` name=${connectionName} `))
        .map((line) => /id=(\d+)/.exec(line)?.[1]);
      assert.equal(ids.length, 2, 'command and subscriber connections found');
      for (const id of ids) await raw.client('KILL', 'ID', id!);
      const back = await eventually(async () => (await cache.get('k')) === 'before', 5000, 20);
      assert.ok(back, 'reads served again after reconnection');
      let heard = false;
      cache.onInvalidate((keys) => {
        heard ||= keys.includes('probe');
      });
      const resubscribed = await eventually(
        async () => {
          await peer.delete('probe');
          return heard;
        },
        5000,
        20,
      );
      assert.ok(resubscribed, "another instance's invalidations reach it again");
    } finally {
      await Promise.all([cache.close(), peer.close()]);
    }
  });
});
