import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import { createLogger } from '../logger.js';
import { AdapterError } from '../sdk/errors.js';
import { Breakers } from './breakers.js';
import { guardCall } from './index.js';
import { registerResilienceMetrics } from './metrics.js';
import { LocalBuckets, RateLimiter, RateLimitsConfig, bucketsFor } from './rate-limit.js';

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
  it('adds a per-API bucket where the platform publishes one (Amazon getOrders)', () => {
    const b = bucketsFor(config, { id: 'amz', adapter: 'amazon', config: { clientId: 'amzn1.app' } }, 'order.pull');
    expect(b).toEqual([{ key: 'rl:{amazon:amzn1.app}:api:amz:order.pull', perSecond: 0.0167, burst: 20 }]);
    expect(bucketsFor(config, { id: 'amz', adapter: 'amazon', config: {} }, 'inventory.push')).toEqual([]);
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

describe('guardCall with a rate limiter', () => {
  it('takes a token for each live call, but none while the circuit is open (nothing is sent)', async () => {
    const breakers = new Breakers({ config: { defaults: { volumeThreshold: 1, resetTimeout: 60_000 } }, logger });
    const acquired: string[] = [];
    const limiter = { acquire: async (c: string, cap: string) => void acquired.push(`${c}/${cap}`) } as unknown as RateLimiter;
    const key = { connector: 'tb', capability: 'order.pull' };
    const down = () => Promise.reject(AdapterError.retryable('tb', 'http_503', 'down'));
    await expect(guardCall({ breakers, lkg: null, limiter }, key, {}, undefined, down)).rejects.toMatchObject({ code: 'http_503' });
    await expect(guardCall({ breakers, lkg: null, limiter }, key, {}, undefined, down)).rejects.toMatchObject({ code: 'circuit_open' });
    expect(acquired).toEqual(['tb/order.pull']);
    breakers.shutdown();
  });
});
