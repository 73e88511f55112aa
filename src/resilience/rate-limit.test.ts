import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import { createLogger } from '../logger.js';
import { AdapterError } from '../sdk/errors.js';
import { BREAKER_STATE, Breakers } from './breakers.js';
import { guardCall } from './index.js';
import { registerResilienceMetrics } from './metrics.js';
import { LocalBuckets, RateLimitedError, RateLimiter, RateLimitsConfig, bucketsFor, limiterIdentity } from './rate-limit.js';

const logger = createLogger({ level: 'silent' });

describe('bucketsFor', () => {
  const config = RateLimitsConfig.parse({});
  it('keys a platform call per app and per shop, both under one hash tag, from the connector config', () => {
    const b = bucketsFor(config, { id: 'tb-a', adapter: 'taobao', config: { appKey: '12345', sellerNick: 'shop-a' } }, 'order.pull', 'zs:');
    expect(b).toEqual([
      { key: 'zs:rl:{taobao:12345}:app', perSecond: 10, burst: 10 },
      { key: 'zs:rl:{taobao:12345}:shop:shop-a', perSecond: 5, burst: 5 },
    ]);
  });
  it('limits the Kuaishou and WeChat shop apps like the other platforms, keyed by their appKey / appId', () => {
    expect(bucketsFor(config, { id: 'ks-a', adapter: 'kuaishou', config: { appKey: 'ks65', signSecret: 's' } }, 'order.pull').map((b) => [b.key, b.perSecond])).toEqual([
      ['rl:{kuaishou:ks65}:app', 10],
      ['rl:{kuaishou:ks65}:shop:ks-a', 5],
    ]);
    expect(bucketsFor(config, { id: 'wx-a', adapter: 'wechat-channels', config: { appId: 'wx123' } }, 'order.pull').map((b) => b.key)).toEqual(['rl:{wechat-channels:wx123}:app', 'rl:{wechat-channels:wx123}:shop:wx-a']);
  });
  it('adds a per-API bucket where the platform publishes one, by the API name the request hook passes (Amazon)', () => {
    const amz = { id: 'amz', adapter: 'amazon', config: { clientId: 'amzn1.app' } };
    expect(bucketsFor(config, amz, 'getOrders')).toEqual([{ key: 'rl:{amazon:amzn1.app}:api:amz:getOrders', perSecond: 0.0167, burst: 20 }]);
    expect(bucketsFor(config, amz, 'getOrderItems')).toEqual([{ key: 'rl:{amazon:amzn1.app}:api:amz:getOrderItems', perSecond: 0.5, burst: 30 }]);
    expect(bucketsFor(config, amz, 'confirmShipment')).toEqual([{ key: 'rl:{amazon:amzn1.app}:api:amz:confirmShipment', perSecond: 2, burst: 10 }]);
    // The call itself (capability) has no quota of its own: its requests are what Amazon counts.
    expect(bucketsFor(config, amz, 'order.pull')).toEqual([]);
  });
  it('does not limit systems without a quota unless configured; config overrides per adapter and connector', () => {
    expect(bucketsFor(config, { id: 'wdt', adapter: 'wangdiantong', config: { appkey: 'k' } }, 'wms.order.push')).toEqual([]);
    const custom = RateLimitsConfig.parse({ adapters: { wangdiantong: { perApp: { perSecond: 3, burst: 6 } } }, connectors: { 'tb-a': { app: 'shared-app', perShop: null } } });
    expect(bucketsFor(custom, { id: 'wdt', adapter: 'wangdiantong', config: { appkey: 'k' } }, 'wms.order.push')).toEqual([{ key: 'rl:{wangdiantong:k}:app', perSecond: 3, burst: 6 }]);
    expect(bucketsFor(custom, { id: 'tb-a', adapter: 'taobao', config: { appKey: 'x' } }, 'order.pull')).toEqual([{ key: 'rl:{taobao:shared-app}:app', perSecond: 10, burst: 10 }]);
  });
  it('names the field of a bad quota', () => {
    const r = RateLimitsConfig.safeParse({ adapters: { taobao: { perApp: { perSecond: 0, burst: 1 } } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['adapters', 'taobao', 'perApp', 'perSecond']);
  });
});

describe('LocalBuckets', () => {
  it('allows the burst, then one token per 1/rate, and takes from no bucket unless all have one', () => {
    let now = 0;
    const local = new LocalBuckets(() => now);
    const app = { key: 'app', perSecond: 10, burst: 3 };
    const shop = { key: 'shop', perSecond: 1, burst: 1 };
    expect(local.take([app])).toBe(0);
    expect(local.take([app])).toBe(0);
    expect(local.take([app, shop])).toBe(0);
    expect(local.take([app])).toBe(100);
    now = 100;
    // app has a token again, shop does not: nothing is taken from app.
    expect(local.take([app, shop])).toBe(900);
    expect(local.take([app])).toBe(0);
  });
  it('scales the quota down to its share while standing in for the shared bucket', () => {
    const local = new LocalBuckets(() => 0);
    const b = { key: 'k', perSecond: 10, burst: 10 };
    let taken = 0;
    while (local.take([b], 0.5) === 0) taken++;
    expect(taken).toBe(5);
  });
});

describe('RateLimiter with Redis down', () => {
  it('falls back to the in-process bucket (neither open nor closed) and refuses past maxWaitMs with retryAfterMs', async () => {
    const down = { evalsha: () => Promise.reject(new Error('Connection is closed.')), eval: () => Promise.reject(new Error('Connection is closed.')) } as unknown as Redis;
    const registry = new Registry();
    const slept: number[] = [];
    const limiter = new RateLimiter({
      redis: down,
      config: { maxWaitMs: 1_000, localFallbackShare: 0.5 },
      connectors: [{ id: 'shop', adapter: 'shopify', config: { shop: 's.myshopify.com' } }],
      logger,
      metrics: registerResilienceMetrics(registry),
      now: () => 0,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    // Shopify: burst 40 per shop, at half share 20 calls pass at once.
    for (let i = 0; i < 20; i++) await limiter.acquire('shop', 'shipment.confirm');
    const err = await limiter.acquire('shop', 'shipment.confirm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true, details: { retryAfterMs: 1_000 } });
    const fallbacks = (await registry.getMetricsAsJSON()).find((m) => m.name === 'zhongshu_rate_limit_local_fallback_total');
    // 20 passes, then one wait within maxWaitMs (the fake clock stands still), then the refusal.
    expect(slept).toEqual([1_000]);
    expect(fallbacks?.values[0]?.value).toBe(22);
    // A connector without a quota is never limited, Redis or not.
    await limiter.acquire('unknown', 'order.pull');
  });
});

/** A Redis that grants every token and records which bucket keys each take touched. */
function grantingRedis() {
  const takes: string[][] = [];
  const redis = {
    evalsha: (_sha: string, n: number, ...rest: string[]) => {
      takes.push(rest.slice(0, n));
      return Promise.resolve(0);
    },
  } as unknown as Redis;
  const spent = (suffix: string) => takes.filter((keys) => keys.some((k) => k.endsWith(suffix))).length;
  return { redis, takes, spent };
}

const TAOBAO_SHOP = { id: 'tb', adapter: 'taobao', config: { appKey: 'app-1', sellerNick: 'shop-1' } };
const AMAZON_SELLER = { id: 'amz', adapter: 'amazon', config: { clientId: 'amzn1.app' } };

function limiterOn(redis: Redis, config = {}) {
  return new RateLimiter({ redis, config, connectors: [TAOBAO_SHOP, AMAZON_SELLER], logger });
}

describe('CallTokens: one token per request', () => {
  it('a call of 1 list + N detail requests spends N+1 from the app and shop buckets, the first covered by the call token', async () => {
    const r = grantingRedis();
    const tokens = limiterOn(r.redis).forCall('tb', 'order.pull');
    await tokens.prepay();
    await tokens.request('taobao.trades.sold.increment.get');
    for (let i = 0; i < 5; i++) await tokens.request('taobao.trade.fullinfo.get');
    expect(r.spent(':app')).toBe(6);
    expect(r.spent(':shop:shop-1')).toBe(6);
    // The first request took nothing more: the call's token paid for it.
    expect(r.takes).toHaveLength(6);
  });

  it('a call whose adapter never calls the hook spends exactly one token (partner adapters, as before)', async () => {
    const r = grantingRedis();
    await limiterOn(r.redis).forCall('tb', 'order.pull').prepay();
    expect(r.takes).toEqual([['rl:{taobao:app-1}:app', 'rl:{taobao:app-1}:shop:shop-1']]);
  });

  it('takes each request from its own API quota where one is published (Amazon getOrders, getOrderItems)', async () => {
    const r = grantingRedis();
    const tokens = limiterOn(r.redis).forCall('amz', 'order.pull');
    await tokens.prepay();
    await tokens.request('getOrders');
    for (let i = 0; i < 3; i++) await tokens.request('getOrderItems');
    expect(r.takes).toEqual([['rl:{amazon:amzn1.app}:api:amz:getOrders'], ...Array.from({ length: 3 }, () => ['rl:{amazon:amzn1.app}:api:amz:getOrderItems'])]);
  });

  it('fails the first request after maxWaitMs, a later one only after requestMaxWaitMs (its call spent tokens already)', async () => {
    const waits = { evalsha: () => Promise.resolve(5_000) } as unknown as Redis;
    const slept: number[] = [];
    const limiter = new RateLimiter({ redis: waits, config: { maxWaitMs: 1_000, requestMaxWaitMs: 12_000 }, connectors: [AMAZON_SELLER], logger, sleep: async (ms) => void slept.push(ms) });
    const tokens = limiter.forCall('amz', 'order.pull');
    const first = await tokens.request('getOrders').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RateLimitedError);
    expect(first).toMatchObject({ code: 'rate_limited', retryable: true, details: { retryAfterMs: 5_000 } });
    expect(slept).toEqual([]);
    const later = await tokens.request('getOrderItems').catch((e: unknown) => e);
    expect(later).toBeInstanceOf(RateLimitedError);
    expect(slept).toEqual([5_000, 5_000]);
  });
});

describe('limiterIdentity', () => {
  it('keeps the app and shop fields only, a secret one as a hash that never shows the value', () => {
    const id = limiterIdentity({ appKey: 'pub-123', appSecret: 'topsecret', sellerNick: 'shop-1', session: 's' }, new Set(['appSecret', 'session']));
    expect(id).toEqual({ appKey: 'pub-123', sellerNick: 'shop-1' });
    const hashed = limiterIdentity({ clientId: 'secret-client', shop: 'x' }, new Set(['clientId']));
    expect(hashed['clientId']).toMatch(/^h:[0-9a-f]{16}$/);
    expect(JSON.stringify(hashed)).not.toContain('secret-client');
    // Equal secrets hash equal: two connectors on one app still share its bucket.
    expect(limiterIdentity({ clientId: 'secret-client' }, new Set(['clientId']))).toEqual({ clientId: hashed['clientId'] });
  });
});

describe('guardCall with a rate limiter', () => {
  it('takes a token for each live call, but none while the circuit is open (nothing is sent)', async () => {
    const breakers = new Breakers({ config: { defaults: { volumeThreshold: 1, resetTimeout: 60_000 } }, logger });
    const r = grantingRedis();
    const limiter = limiterOn(r.redis);
    const key = { connector: 'tb', capability: 'order.pull' };
    const down = () => Promise.reject(AdapterError.retryable('tb', 'http_503', 'down'));
    await expect(guardCall({ breakers, lkg: null, limiter }, key, {}, undefined, down)).rejects.toMatchObject({ code: 'http_503' });
    await expect(guardCall({ breakers, lkg: null, limiter }, key, {}, undefined, down)).rejects.toMatchObject({ code: 'circuit_open' });
    expect(r.takes).toHaveLength(1);
    breakers.shutdown();
  });

  it('hands the adapter a hook per request, waits for tokens outside the deadline, and a refusal never opens the circuit', async () => {
    const breakers = new Breakers({ config: { defaults: { volumeThreshold: 1, resetTimeout: 60_000, timeout: 150 } }, logger });
    let calls = 0;
    // After the first two takes, every request waits 100 ms once: three waits (300 ms) exceed the
    // 150 ms deadline, which must not count them.
    const slow = { evalsha: () => Promise.resolve(++calls > 2 && calls % 2 === 1 ? 100 : 0) } as unknown as Redis;
    const limiter = new RateLimiter({ redis: slow, config: { requestMaxWaitMs: 1_000 }, connectors: [TAOBAO_SHOP], logger });
    // Not order.pull, whose built-in deadline is two minutes.
    const key = { connector: 'tb', capability: 'shipment.confirm' };
    const sent: string[] = [];
    const page = async (_signal: AbortSignal, rateLimit: ((api: string) => Promise<void>) | undefined) => {
      for (const api of ['list', 'd1', 'd2', 'd3', 'd4']) {
        await rateLimit?.(api);
        sent.push(api);
      }
      return sent.length;
    };
    expect((await guardCall({ breakers, lkg: null, limiter }, key, {}, undefined, page)).value).toBe(5);
    // The limiter refusing inside the call: a retryable rate_limited, and the circuit stays closed.
    // The call's own token is granted, the second request's would take a minute.
    let takes = 0;
    const refusing = new RateLimiter({ redis: { evalsha: () => Promise.resolve(takes++ === 0 ? 0 : 60_000) } as unknown as Redis, config: {}, connectors: [TAOBAO_SHOP], logger });
    const err = await guardCall({ breakers, lkg: null, limiter: refusing }, key, {}, undefined, page).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true, details: { retryAfterMs: 60_000 } });
    expect(breakers.state(key)).toBe(BREAKER_STATE.CLOSED);
    breakers.shutdown();
  });
});
