import { describe, expect, it } from 'vitest';
import { sdkMetricsAddressFromEnv } from './sdk-metrics.js';

describe('ZHONGSHU_SDK_METRICS_ADDRESS', () => {
  it('is off when unset or empty, and takes host:port', () => {
    expect(sdkMetricsAddressFromEnv({})).toEqual({ ok: true, address: null });
    expect(sdkMetricsAddressFromEnv({ ZHONGSHU_SDK_METRICS_ADDRESS: '' })).toEqual({ ok: true, address: null });
    expect(sdkMetricsAddressFromEnv({ ZHONGSHU_SDK_METRICS_ADDRESS: '0.0.0.0:9465' })).toEqual({ ok: true, address: '0.0.0.0:9465' });
  });

  it.each(['9465', 'localhost', 'host:0', 'host:70000', 'host:port'])('names the variable and the value for %s', (bad) => {
    const r = sdkMetricsAddressFromEnv({ ZHONGSHU_SDK_METRICS_ADDRESS: bad });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(`ZHONGSHU_SDK_METRICS_ADDRESS: expected host:port (e.g. 0.0.0.0:9465), got "${bad}"`);
  });
});
