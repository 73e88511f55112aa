import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import { AdapterError } from '../sdk/errors.js';
import { BREAKER_STATE, Breakers, BreakersConfig } from './breakers.js';
import { registerResilienceMetrics } from './metrics.js';

const logger = createLogger({ level: 'silent' });
const KEY = { connector: 'sf', capability: 'waybill.create' } as const;
const CONFIG = { defaults: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeout: 10_000, timeout: 1_000, rollingCountTimeout: 60_000 } } as const;

const outage = () => Promise.reject(AdapterError.retryable('sf', 'http_504', 'gateway timeout', { status: 504 }));
const rejection = () => Promise.reject(AdapterError.rejected('sf', 'bad_address', 'address rejected', { status: 400 }));

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

let breakers: Breakers;
let registry: Registry;
beforeEach(() => {
  vi.useFakeTimers();
  registry = new Registry();
  breakers = new Breakers({ config: CONFIG, logger, metrics: registerResilienceMetrics(registry) });
});
afterEach(() => {
  breakers.shutdown();
  vi.useRealTimers();
});

async function metricValue(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return m?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
}

describe('Breakers', () => {
  it('does not count business rejections: the system answered', async () => {
    for (let i = 0; i < 10; i++) expect(await failure(breakers.call(KEY, undefined, rejection))).toMatchObject({ code: 'bad_address', retryable: false });
    expect(breakers.state(KEY)).toBe(BREAKER_STATE.CLOSED);
    expect(await breakers.call(KEY, undefined, async () => 'ok')).toBe('ok');
    expect(await metricValue('zhongshu_breaker_calls_total', { outcome: 'rejected' })).toBe(10);
  });

  it('opens on retryable failures once the volume is reached, then fails fast with the time until half-open', async () => {
    for (let i = 0; i < 3; i++) await failure(breakers.call(KEY, undefined, outage));
    expect(breakers.state(KEY)).toBe(BREAKER_STATE.CLOSED);
    await failure(breakers.call(KEY, undefined, outage));
    expect(breakers.state(KEY)).toBe(BREAKER_STATE.OPEN);

    await vi.advanceTimersByTimeAsync(4_000);
    const action = vi.fn(async () => 'never');
    const err = await failure(breakers.call(KEY, undefined, action));
    expect(action).not.toHaveBeenCalled();
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'circuit_open', retryable: true, details: { retryAfterMs: 6_000 } });
    expect(await metricValue('zhongshu_breaker_state', KEY)).toBe(2);
    expect(await metricValue('zhongshu_breaker_opens_total', KEY)).toBe(1);
    expect(await metricValue('zhongshu_breaker_calls_total', { outcome: 'short_circuited' })).toBe(1);
  });

  it('half-opens after resetTimeout, lets exactly one trial through, and closes when it succeeds', async () => {
    for (let i = 0; i < 4; i++) await failure(breakers.call(KEY, undefined, outage));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(breakers.state(KEY)).toBe(BREAKER_STATE.HALF_OPEN);

    let finishTrial: (v: string) => void = () => {};
    const trial = breakers.call(KEY, undefined, () => new Promise<string>((r) => (finishTrial = r)));
    const second = vi.fn(async () => 'second');
    expect(await failure(breakers.call(KEY, undefined, second))).toMatchObject({ code: 'circuit_open' });
    expect(second).not.toHaveBeenCalled();
    finishTrial('trial');
    expect(await trial).toBe('trial');
    expect(breakers.state(KEY)).toBe(BREAKER_STATE.CLOSED);
    expect(await breakers.call(KEY, undefined, second)).toBe('second');
    expect(await metricValue('zhongshu_breaker_half_opens_total', KEY)).toBe(1);
    expect(await metricValue('zhongshu_breaker_state', KEY)).toBe(0);
  });

  it('reopens when the half-open trial fails', async () => {
    for (let i = 0; i < 4; i++) await failure(breakers.call(KEY, undefined, outage));
    await vi.advanceTimersByTimeAsync(10_000);
    await failure(breakers.call(KEY, undefined, outage));
    expect(breakers.state(KEY)).toBe(BREAKER_STATE.OPEN);
    expect(await failure(breakers.call(KEY, undefined, async () => 'x'))).toMatchObject({ details: { retryAfterMs: 10_000 } });
  });

  it('aborts each call at its own deadline, without waiting for an action that ignores its signal', async () => {
    const seen: AbortSignal[] = [];
    const hang = (signal: AbortSignal) => {
      seen.push(signal);
      return new Promise<never>(() => {});
    };
    const first = failure(breakers.call(KEY, undefined, hang));
    await vi.advanceTimersByTimeAsync(999);
    expect(seen[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await first).toMatchObject({ code: 'timeout', retryable: true });
    expect(seen[0]?.aborted).toBe(true);

    // A later call gets a fresh signal: the earlier timeout does not abort it.
    const second = breakers.call(KEY, undefined, async (signal) => {
      seen.push(signal);
      return 'fresh';
    });
    expect(await second).toBe('fresh');
    expect(seen[1]).not.toBe(seen[0]);
    expect(seen[1]?.aborted).toBe(false);
    expect(await metricValue('zhongshu_breaker_calls_total', { outcome: 'timeout' })).toBe(1);
  });

  it('passes the caller cancellation through and does not count it as an outage', async () => {
    for (let i = 0; i < 6; i++) {
      const caller = new AbortController();
      const call = failure(breakers.call(KEY, caller.signal, (signal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))));
      caller.abort(new Error('activity cancelled'));
      expect(await call).toMatchObject({ message: 'activity cancelled' });
    }
    expect(breakers.state(KEY)).toBe(BREAKER_STATE.CLOSED);
  });

  it('keeps one breaker per connector and capability, with per-connector overrides', async () => {
    const b = new Breakers({ config: { ...CONFIG, connectors: { flaky: { volumeThreshold: 1 } } }, logger });
    await failure(b.call({ connector: 'flaky', capability: 'stock.query' }, undefined, outage));
    expect(b.state({ connector: 'flaky', capability: 'stock.query' })).toBe(BREAKER_STATE.OPEN);
    expect(b.state({ connector: 'flaky', capability: 'tracking.query' })).toBe(BREAKER_STATE.CLOSED);
    await failure(b.call({ connector: 'steady', capability: 'stock.query' }, undefined, outage));
    expect(b.state({ connector: 'steady', capability: 'stock.query' })).toBe(BREAKER_STATE.CLOSED);
    expect(b.settingsFor('flaky')).toMatchObject({ volumeThreshold: 1, resetTimeout: 10_000 });
    b.shutdown();
  });

  it('validates its config with the field named', () => {
    expect(BreakersConfig.parse({}).defaults).toMatchObject({ errorThresholdPercentage: 50, volumeThreshold: 10 });
    const r = BreakersConfig.safeParse({ connectors: { sf: { rollingCountTimeout: 1_005 } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['connectors', 'sf', 'rollingCountTimeout']);
  });
});

describe('Breakers settings per endpoint', () => {
  it('layers defaults, capability, connector and connector+capability overrides; order.pull gets a long deadline, order.get a short one', () => {
    const b = new Breakers({ config: { defaults: { timeout: 5_000 }, capabilities: { 'stock.query': { timeout: 2_000 } }, connectors: { wdt: { resetTimeout: 7_000, capabilities: { 'wms.order.push': { timeout: 9_000 } } } } }, logger });
    expect(b.settingsFor('any', 'order.pull').timeout).toBe(120_000);
    // A push-triggered order fetch must answer within the platform's push window.
    expect(b.settingsFor('any', 'order.get').timeout).toBe(3_000);
    expect(b.settingsFor('any', 'stock.query').timeout).toBe(2_000);
    expect(b.settingsFor('wdt', 'stock.query')).toMatchObject({ timeout: 2_000, resetTimeout: 7_000 });
    expect(b.settingsFor('wdt', 'wms.order.push')).toMatchObject({ timeout: 9_000, resetTimeout: 7_000 });
    expect(b.settingsFor('other', 'wms.order.push')).toMatchObject({ timeout: 5_000, resetTimeout: 30_000 });
    b.shutdown();
  });
});
