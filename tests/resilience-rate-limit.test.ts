import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { RateLimiter } from '../src/resilience/index.js';
import { AdapterError } from '../src/sdk/errors.js';

/**
 * Two hubs (two processes in production: here two limiters on two Redis connections) draw from
 * one platform app's bucket. Together they must never exceed the quota, however hard they push.
 */
const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
const PER_SECOND = 20;
const BURST = 10;
let clients: Redis[] = [];

beforeAll(() => {
  clients = [new Redis(inject('redisUrl')), new Redis(inject('redisUrl'))];
});
afterAll(() => {
  for (const c of clients) c.disconnect();
});

function limiter(redis: Redis, prefix: string, maxWaitMs: number) {
  return new RateLimiter({
    redis,
    keyPrefix: prefix,
    logger,
    // Two shops on one Taobao app: the app's bucket is shared, each shop has its own as well.
    connectors: [
      { id: 'tb-shop-1', adapter: 'taobao', config: { appKey: 'app-1', sellerNick: 'shop-1' } },
      { id: 'tb-shop-2', adapter: 'taobao', config: { appKey: 'app-1', sellerNick: 'shop-2' } },
    ],
    config: { maxWaitMs, adapters: { taobao: { perApp: { perSecond: PER_SECOND, burst: BURST }, perShop: null } } },
  });
}

describe('shared rate limit on real Redis', () => {
  it('two hubs pushing as hard as they can stay within the app quota together', async () => {
    const prefix = `rl${randomUUID().slice(0, 8)}:`;
    const hubs = clients.map((c) => limiter(c, prefix, 5_000));
    const granted: number[] = [];
    const start = Date.now();
    const RUN_MS = 2_000;
    // 8 concurrent callers per hub, each looping: far more demand than 20/s.
    const worker = async (l: RateLimiter, connector: string) => {
      while (Date.now() - start < RUN_MS) {
        await l.acquire(connector, 'order.pull');
        granted.push(Date.now());
      }
    };
    await Promise.all(hubs.flatMap((l, i) => Array.from({ length: 8 }, () => worker(l, `tb-shop-${i + 1}`))));
    const elapsed = (Math.max(...granted) - start) / 1000;
    // Bucket math: at most the burst plus the refill over the run (one token of slack for rounding).
    const allowed = BURST + PER_SECOND * elapsed + 1;
    expect(granted.length).toBeLessThanOrEqual(allowed);
    // And the limiter is not simply refusing: the quota is used.
    expect(granted.length).toBeGreaterThan(PER_SECOND * elapsed * 0.7);
    // No one-second window (after the initial burst) holds more than a second's worth plus the burst.
    for (const t of granted) expect(granted.filter((x) => x >= t && x < t + 1_000).length).toBeLessThanOrEqual(PER_SECOND + BURST + 1);
  });

  it('an empty bucket fails retryably with the wait as retryAfterMs instead of bursting', async () => {
    const prefix = `rl${randomUUID().slice(0, 8)}:`;
    const [a, b] = clients.map((c) => limiter(c, prefix, 0));
    for (let i = 0; i < BURST; i++) await (i % 2 ? a : b)?.acquire('tb-shop-1', 'order.pull');
    const err = await a?.acquire('tb-shop-2', 'order.pull').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true });
    const retryAfter = err instanceof AdapterError ? err.details?.retryAfterMs : undefined;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(1000 / PER_SECOND));
  });
});
