import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';
import { createMetricsApp, metricsPortFromEnv } from './metrics-app.js';

describe('worker metrics endpoint', () => {
  it('serves the process registry, and nothing of the hub API', async () => {
    const metrics = createMetrics();
    metrics.workflowsStarted.inc({ channel: 'sp' });
    const app = createMetricsApp(metrics);
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('zhongshu_workflows_started_total{channel="sp"} 1');
    expect((await app.request('/webhooks/shopify', { method: 'POST' })).status).toBe(404);
    expect((await app.request('/api/orders')).status).toBe(404);
  });

  it('reads ZHONGSHU_METRICS_PORT, naming the variable when it is not a port', () => {
    expect(metricsPortFromEnv({})).toEqual({ ok: true, port: null });
    expect(metricsPortFromEnv({ ZHONGSHU_METRICS_PORT: '9464' })).toEqual({ ok: true, port: 9464 });
    for (const bad of ['abc', '0', '70000', '12.5']) {
      const r = metricsPortFromEnv({ ZHONGSHU_METRICS_PORT: bad });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^ZHONGSHU_METRICS_PORT: expected a TCP port/);
    }
  });
});
