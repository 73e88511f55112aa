import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createLogger } from '../src/logger.js';
import { BREAKER_STATE, Breakers, guardCall, LastKnownGood, registerResilienceMetrics, type LkgResult } from '../src/resilience/index.js';
import { CAPABILITY, type Capability } from '../src/sdk/capabilities.js';
import type { AdapterInstance } from '../src/sdk/define.js';
import { AdapterError } from '../src/sdk/errors.js';
import { freePort } from './support/global-setup.js';
import { FAULT, startFaultServer, type FaultServer } from './support/fault-server.js';
import { FaultAdapter } from './support/fault-adapter.js';

const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent', name: 'resilience-test' });
const BREAKER = { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeout: 600, timeout: 400, rollingCountTimeout: 10_000 } as const;
const MAX_AGE_MS = 60_000;

let redis: Redis;
let server: FaultServer;
let instance: AdapterInstance;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  server = await startFaultServer({ retryAfterSeconds: 3 });
  instance = await FaultAdapter.create({ baseUrl: server.url }, { logger, fetch, mappings: null, now: () => new Date() });
});
afterAll(async () => {
  await Promise.all([redis.quit(), server.close()]);
});
afterEach(() => {
  server.setMode(FAULT.OK);
  for (const c of cleanups.splice(0)) c();
});

/** A fresh connector (so breakers and cache entries never leak between tests) and its layers. */
function setup(opts: { lkgRedis?: Redis } = {}) {
  const connector = `c-${randomUUID().slice(0, 8)}`;
  const registry = new Registry();
  const metrics = registerResilienceMetrics(registry);
  const breakers = new Breakers({ config: { defaults: BREAKER }, logger, metrics });
  cleanups.push(() => breakers.shutdown());
  // The cache's clock can be moved forward, so "older than max age" needs no real waiting.
  const clock = { skewMs: 0 };
  const lkg = new LastKnownGood({ redis: opts.lkgRedis ?? redis, config: { maxAgeMs: MAX_AGE_MS }, logger, metrics, now: () => Date.now() + clock.skewMs });
  const call = (capability: Capability, input: unknown, idempotencyKey: string = randomUUID()): Promise<LkgResult<unknown>> =>
    guardCall({ breakers, lkg }, { connector, capability }, input, undefined, (signal) =>
      instance.invoke(capability, input, { signal, idempotencyKey, logger, heartbeat: () => {} }),
    );
  const state = (capability: Capability) => breakers.state({ connector, capability });
  return { connector, breakers, lkg, call, state, clock, registry };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

const requestsTo = (path: string) => server.requests.filter((r) => r.path === path).length;

describe('resilience against a failing partner API (real sockets, real Redis)', () => {
  it('opens the breaker within the configured volume on 504s, fails fast while open, half-opens after reset and closes on success', async () => {
    const { call, state, registry } = setup();
    server.setMode(FAULT.STATUS_504);
    const before = requestsTo('/waybills');
    for (let i = 0; i < BREAKER.volumeThreshold; i++) {
      expect(await failure(call(CAPABILITY.WAYBILL_CREATE, { i }))).toMatchObject({ code: 'http_504', retryable: true });
    }
    expect(state(CAPABILITY.WAYBILL_CREATE)).toBe(BREAKER_STATE.OPEN);
    expect(requestsTo('/waybills') - before).toBe(BREAKER.volumeThreshold);

    const fast = await failure(call(CAPABILITY.WAYBILL_CREATE, { i: 99 }));
    expect(fast).toBeInstanceOf(AdapterError);
    expect(fast).toMatchObject({ code: 'circuit_open', retryable: true });
    const retryAfterMs = fast instanceof AdapterError ? fast.details?.retryAfterMs : undefined;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(BREAKER.resetTimeout);
    // Failing fast means the server never saw it.
    expect(requestsTo('/waybills') - before).toBe(BREAKER.volumeThreshold);

    server.setMode(FAULT.OK);
    await vi.waitFor(() => expect(state(CAPABILITY.WAYBILL_CREATE)).toBe(BREAKER_STATE.HALF_OPEN), { timeout: 5_000, interval: 50 });
    expect(await call(CAPABILITY.WAYBILL_CREATE, { i: 100 })).toMatchObject({ stale: false, value: { path: '/waybills' } });
    expect(state(CAPABILITY.WAYBILL_CREATE)).toBe(BREAKER_STATE.CLOSED);

    const text = await registry.metrics();
    expect(text).toMatch(/zhongshu_breaker_opens_total\{[^}]*capability="waybill.create"[^}]*\} 1/);
    expect(text).toMatch(/zhongshu_breaker_half_opens_total\{[^}]*\} 1/);
    expect(text).toMatch(/zhongshu_breaker_calls_total\{[^}]*outcome="short_circuited"[^}]*\} 1/);
  });

  it('serves a stale read with its age while the server answers 504 (and while the circuit is open), and refuses it past max age', async () => {
    const { call, state, clock, lkg, connector, registry } = setup();
    const fresh = await call(CAPABILITY.STOCK_QUERY, { sku: 'A', warehouse: 'WH1' });
    expect(fresh).toMatchObject({ stale: false, value: { path: '/stock' } });
    const liveValue = fresh.value;
    expect(await redis.exists(lkg.key({ connector, capability: CAPABILITY.STOCK_QUERY }, { warehouse: 'WH1', sku: 'A' }))).toBe(1);

    server.setMode(FAULT.STATUS_504);
    clock.skewMs = 5_000;
    // Same input, keys in another order: the same entry.
    const stale = await call(CAPABILITY.STOCK_QUERY, { warehouse: 'WH1', sku: 'A' });
    expect(stale).toMatchObject({ stale: true, value: liveValue });
    expect(stale.stale && stale.ageMs).toBeGreaterThanOrEqual(5_000);
    expect(stale.stale && stale.ageMs).toBeLessThan(MAX_AGE_MS);

    // Keep failing until the circuit opens; an open circuit is one more reason to serve the entry.
    while (state(CAPABILITY.STOCK_QUERY) !== BREAKER_STATE.OPEN) await call(CAPABILITY.STOCK_QUERY, { sku: 'A', warehouse: 'WH1' });
    const seen = server.requests.length;
    expect(await call(CAPABILITY.STOCK_QUERY, { sku: 'A', warehouse: 'WH1' })).toMatchObject({ stale: true, value: liveValue });
    expect(server.requests.length).toBe(seen);

    // Nothing cached for another input: the outage error itself.
    expect(await failure(call(CAPABILITY.STOCK_QUERY, { sku: 'B', warehouse: 'WH1' }))).toMatchObject({ code: 'circuit_open', retryable: true });

    clock.skewMs = MAX_AGE_MS + 1_000;
    expect(await failure(call(CAPABILITY.STOCK_QUERY, { sku: 'A', warehouse: 'WH1' }))).toMatchObject({ code: 'circuit_open', retryable: true });
    const text = await registry.metrics();
    expect(text).toMatch(/zhongshu_lkg_fallbacks_total\{[^}]*outcome="too_old"[^}]*\} 1/);
    expect(text).toMatch(/zhongshu_lkg_fallbacks_total\{[^}]*outcome="missing"[^}]*\} 1/);
  });

  it('never serves a write from cache: it fails retryably during the outage and reaches the server exactly once after recovery', async () => {
    const { call, state, lkg } = setup();
    expect(lkg.isRead(CAPABILITY.WAYBILL_CREATE)).toBe(false);
    const order = { orderId: 'o-1', parcels: 1 };
    const idempotencyKey = `wf-${randomUUID()}:waybill`;
    // A successful write first: even with a "cached" answer around, a write must not fall back.
    server.setMode(FAULT.OK);
    await call(CAPABILITY.WAYBILL_CREATE, order, `${idempotencyKey}-earlier`);

    server.setMode(FAULT.STATUS_504);
    // The earlier success is in the window too, so the circuit opens once failures pass half of it.
    while (state(CAPABILITY.WAYBILL_CREATE) !== BREAKER_STATE.OPEN) {
      expect(await failure(call(CAPABILITY.WAYBILL_CREATE, order, idempotencyKey))).toMatchObject({ retryable: true, code: 'http_504' });
    }
    expect(await failure(call(CAPABILITY.WAYBILL_CREATE, order, idempotencyKey))).toMatchObject({ retryable: true, code: 'circuit_open' });

    server.setMode(FAULT.OK);
    const servedBefore = server.served('/waybills');
    // What Temporal's retries do: keep trying with the same key until one goes through.
    let result: LkgResult<unknown> | null = null;
    await vi.waitFor(
      async () => {
        result = await call(CAPABILITY.WAYBILL_CREATE, order, idempotencyKey);
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(result).toMatchObject({ stale: false, value: { path: '/waybills' } });
    expect(state(CAPABILITY.WAYBILL_CREATE)).toBe(BREAKER_STATE.CLOSED);
    expect(server.served('/waybills') - servedBefore).toBe(1);
    const delivered = server.requests.filter((r) => r.idempotencyKey === idempotencyKey && r.mode === FAULT.OK);
    expect(delivered).toHaveLength(1);
  });

  it('surfaces 429 Retry-After as retryAfterMs', async () => {
    const { call } = setup();
    server.setMode(FAULT.RATE_LIMITED);
    expect(await failure(call(CAPABILITY.WAYBILL_CREATE, { o: 1 }))).toMatchObject({ code: 'http_429', retryable: true, details: { status: 429, retryAfterMs: 3_000 } });
  });

  it('aborts a call that outlives its deadline: the socket is closed, and the next call gets a fresh signal', async () => {
    const { call } = setup();
    server.setMode(FAULT.SLOW);
    const abandonedBefore = server.abandoned;
    expect(await failure(call(CAPABILITY.WAYBILL_CREATE, { o: 1 }))).toMatchObject({ code: 'timeout', retryable: true });
    // The server sees the client close the connection it was holding.
    await vi.waitFor(() => expect(server.abandoned).toBe(abandonedBefore + 1), { timeout: 5_000, interval: 20 });
    server.setMode(FAULT.OK);
    expect(await call(CAPABILITY.WAYBILL_CREATE, { o: 2 })).toMatchObject({ stale: false });
  });

  it('counts connection resets and malformed bodies as outages', async () => {
    const { call, state } = setup();
    server.setMode(FAULT.RESET);
    expect(await failure(call(CAPABILITY.WAYBILL_CREATE, { o: 1 }))).toMatchObject({ code: 'network', retryable: true });
    server.setMode(FAULT.MALFORMED);
    expect(await failure(call(CAPABILITY.WAYBILL_CREATE, { o: 2 }))).toMatchObject({ code: 'malformed_body', retryable: true });
    expect(await failure(call(CAPABILITY.WAYBILL_CREATE, { o: 3 }))).toMatchObject({ code: 'malformed_body' });
    expect(state(CAPABILITY.WAYBILL_CREATE)).toBe(BREAKER_STATE.OPEN);
  });

  it('with Redis down, a read still gets its live answer, and a failed read rethrows the live error', async () => {
    const deadRedis = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    // ioredis reports connection errors as events; the test owns this client, so it listens.
    deadRedis.on('error', () => {});
    cleanups.push(() => deadRedis.disconnect());
    const { call } = setup({ lkgRedis: deadRedis });
    expect(await call(CAPABILITY.STOCK_QUERY, { sku: 'A' })).toMatchObject({ stale: false, value: { path: '/stock' } });
    server.setMode(FAULT.STATUS_504);
    expect(await failure(call(CAPABILITY.STOCK_QUERY, { sku: 'A' }))).toMatchObject({ code: 'http_504', retryable: true });
  });
});
