import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { BUILTIN_ADAPTERS } from '../adapters/index.js';
import { createInvokeAdapter, type InvokeAdapterInput } from '../src/activities/invoke-adapter.js';
import { createLogger } from '../src/logger.js';
import { MappingEngine } from '../src/mapping/engine.js';
import { createResilience, limiterConnectors, RateLimiter, ResilienceConfig, type RateLimitsConfigInput } from '../src/resilience/index.js';
import { defineAdapter, type AdapterDefinition } from '../src/sdk/define.js';
import { AdapterError } from '../src/sdk/errors.js';
import { AdapterRegistry } from '../src/sdk/registry.js';
import { sandbox as topSandbox, type TaobaoSandbox } from '../adapters/taobao/sandbox.js';

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

/**
 * The real call path (invokeAdapter -> guardCall -> the Taobao adapter's transport) against a
 * local TOP router: one order.pull page is a list request plus a detail request per order, and
 * every one of them must spend a token of the shared buckets in Redis.
 */
describe('per-request tokens on real Redis', () => {
  const APP_SECRET = 'rl-test-secret';
  let top: TaobaoSandbox;
  let topUrl = '';
  /** When each request reached the sandbox router (ms since epoch): one log event per request, signed or refused. */
  const requestTimes = () => top.log.events.filter((e) => e.kind.startsWith('taobao.') || e.kind === 'request.refused').map((e) => Date.parse(e.at));
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const window = { start: new Date(Date.now() - 20 * 60_000).toISOString(), end: new Date(Date.now() - 5 * 60_000).toISOString() };

  beforeAll(async () => {
    top = await topSandbox.start({ appKey: 'app-77', appSecret: APP_SECRET, sessionKey: 'sess' });
    topUrl = String(top.connectorConfig()['baseUrl']);
    for (let i = 0; i < 30; i++) top.placeOrder({ id: String(4012345678901234000n + BigInt(i)), lines: [{ sku: 'FT-1KG', qty: 1, price: 5900 }], modifiedAt: new Date(Date.now() - 10 * 60_000 - i * 1000) });
  });
  afterAll(async () => {
    await top.close();
  });

  function hubPath(rateLimits: RateLimitsConfigInput, extra: AdapterDefinition[] = []) {
    const prefix = `rl${randomUUID().slice(0, 8)}:`;
    const env = { TOP_KEY: 'app-77', TOP_SECRET: APP_SECRET, TOP_SESSION: 'sess' };
    const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, env);
    for (const def of [...BUILTIN_ADAPTERS, ...extra]) registry.register(def);
    registry.configure([
      { id: 'tb-shop', adapter: 'taobao', config: { appKey: '${TOP_KEY}', appSecret: '${TOP_SECRET}', sessionKey: '${TOP_SESSION}', baseUrl: topUrl, timeoutMs: 5_000 } },
      ...extra.map((d) => ({ id: `${d.manifest.id}-1`, adapter: d.manifest.id, config: {} })),
    ]);
    const redis = clients[0];
    if (!redis) throw new Error('no redis');
    const resilience = createResilience({ config: ResilienceConfig.parse({ rateLimits }), redis, keyPrefix: prefix, logger, registry: new Registry(), connectors: limiterConnectors(registry) });
    const invoke = createInvokeAdapter({ registry, mappings: new MappingEngine({ dir: '.' }), logger, resilience });
    const run = (req: InvokeAdapterInput) => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(invoke, req);
    const tokens = async (key: string) => Number(await redis.hget(`${prefix}${key}`, 'tokens'));
    return { run, tokens, resilience };
  }
  const pull = { connector: 'tb-shop', capability: 'order.pull', idempotencyKey: 'poll:tb:1', input: { window } } as const;

  it('a poll page of N orders spends N+1 tokens from the app and the shop bucket', async () => {
    // Refill is negligible over the test (one token per 1000 s), so the levels count the spend.
    const slow = { perSecond: 0.001, burst: 100 };
    const { run, tokens, resilience } = hubPath({ adapters: { taobao: { perApp: slow, perShop: slow } } });
    const before = top.server.requestCount;
    const out = (await run(pull)) as { orders: unknown[] };
    const requests = top.server.requestCount - before;
    expect(out.orders).toHaveLength(30);
    expect(requests).toBe(31);
    expect(100 - (await tokens('rl:{taobao:app-77}:app'))).toBeCloseTo(31, 0);
    expect(100 - (await tokens('rl:{taobao:app-77}:shop:tb-shop'))).toBeCloseTo(31, 0);
    resilience.shutdown();
  });

  it('a quota of Q/s holds across a page: requests never exceed burst + Q x elapsed', async () => {
    const Q = 20;
    const BURST_ = 5;
    const { run, resilience } = hubPath({ adapters: { taobao: { perApp: null, perShop: { perSecond: Q, burst: BURST_ } } } });
    const start = Date.now();
    const before = requestTimes().length;
    const out = (await run(pull)) as { orders: unknown[] };
    expect(out.orders).toHaveLength(30);
    const times = requestTimes().slice(before);
    expect(times).toHaveLength(31);
    // Bucket math, a correctness bound (not a timing assertion): by any moment, no more requests
    // have arrived than the burst plus the refill since the start (one token of rounding slack).
    times.forEach((t, i) => expect(i + 1).toBeLessThanOrEqual(BURST_ + (Q * (t - start)) / 1000 + 1));
    resilience.shutdown();
  });

  it('an adapter without the hook still spends one token per call, however many requests it sends', async () => {
    let sent = 0;
    const Partner = defineAdapter({
      manifest: { id: 'partner', contractVersion: 1, version: '0.0.1', status: 'experimental', kind: 'platform', displayName: 'Partner', summary: 'Three requests per call, no rate-limit hook (tests only).', capabilities: ['order.pull'] },
      configSchema: z.object({}).strict(),
      create: (_config, deps) => ({
        testConnection: async () => ({ ok: true }),
        close: async () => {},
        invoke: async (_capability, _input, ctx) => {
          for (let i = 0; i < 3; i++) {
            await (await deps.fetch(topUrl, { method: 'POST', body: 'method=partner.ping', signal: ctx.signal })).text();
            sent++;
          }
          return { orders: [], nextPage: null };
        },
      }),
    });
    const { run, tokens, resilience } = hubPath({ adapters: { partner: { perShop: { perSecond: 0.001, burst: 10 } } } }, [Partner]);
    const call = { connector: 'partner-1', capability: 'order.pull', idempotencyKey: 'p:1', input: {} } as const;
    await run(call);
    await run(call);
    expect(sent).toBe(6);
    expect(10 - (await tokens('rl:{partner:partner-1}:shop:partner-1'))).toBeCloseTo(2, 0);
    resilience.shutdown();
  });
});
