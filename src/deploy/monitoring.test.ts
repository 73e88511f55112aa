import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { Histogram } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMetrics } from '../http/metrics.js';
import { registerStateMetrics } from '../http/state-metrics.js';
import { createLogger } from '../logger.js';
import { PollCursorStore } from '../polling/cursor.js';
import { registerResilienceMetrics } from '../resilience/metrics.js';
import { DecisionQueue } from '../store/decisions.js';
import { SDK_DASHBOARD_METRICS } from '../temporal/sdk-metrics.js';
import { packageRoot } from '../util/package-info.js';

/**
 * The Grafana dashboard and the Prometheus alert rules shipped in deploy/monitoring query only
 * metrics the hub exports: the names are read from a registry built the way the hub builds its own.
 */
const dir = path.join(packageRoot(), 'deploy', 'monitoring');

const Dashboard = z.object({
  title: z.string(),
  panels: z.array(z.object({ title: z.string(), targets: z.array(z.object({ expr: z.string().min(1) })).min(1) })).min(1),
});
const Rules = z.object({
  groups: z.array(z.object({ name: z.string(), rules: z.array(z.object({ alert: z.string(), expr: z.string().min(1), for: z.string().optional() })).min(1) })).min(1),
});

const dashboard = Dashboard.parse(JSON.parse(readFileSync(path.join(dir, 'grafana-dashboard.json'), 'utf8')));
const rules = Rules.parse(parseYaml(readFileSync(path.join(dir, 'alert-rules.yml'), 'utf8')));

// Never connected: registering a collector does not touch Redis or Temporal, only a scrape would.
const redis = new Redis({ lazyConnect: true });
const connection = Connection.lazy({ address: '127.0.0.1:1' });
afterAll(async () => {
  redis.disconnect();
  await connection.close();
});

function exportedNames(): Set<string> {
  const metrics = createMetrics({ defaultMetrics: true });
  registerResilienceMetrics(metrics.registry);
  registerStateMetrics(metrics.registry, {
    client: new Client({ connection }),
    namespace: 'default',
    taskQueue: 'zhongshu',
    decisions: new DecisionQueue(redis, 'zs:'),
    cursors: new PollCursorStore(redis, 'zs:'),
    polledChannels: [],
    logger: createLogger({ level: 'silent' }),
  });
  const names = new Set<string>();
  for (const m of metrics.registry.getMetricsAsArray()) {
    names.add(m.name);
    // A histogram is queried through its series, not its own name.
    if (m instanceof Histogram) for (const s of ['_bucket', '_sum', '_count']) names.add(`${m.name}${s}`);
  }
  return names;
}

/** Metric names in a PromQL expression: the hub's all start with zhongshu_. */
const metricNames = (expr: string): string[] => [...expr.matchAll(/\b(zhongshu_[a-z0-9_]+)\b/g)].map((m) => m[1] ?? '');
/** The Temporal SDK worker's (temporal_), served by the SDK core's exporter: tests/sdk-metrics.test.ts checks the list against a scrape. */
const sdkMetricNames = (expr: string): string[] => [...expr.matchAll(/\b(temporal_[a-z0-9_]+)\b/g)].map((m) => m[1] ?? '');
const sdkExported = new Set<string>(SDK_DASHBOARD_METRICS);

const queries = [
  ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `dashboard panel "${p.title}"`, expr: t.expr }))),
  ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
];

describe('deploy/monitoring queries only metrics the hub exports', () => {
  const exported = exportedNames();

  it.each(queries)('$where', ({ expr }) => {
    const names = metricNames(expr);
    const sdk = sdkMetricNames(expr);
    expect(names.length + sdk.length, `no zhongshu_ or temporal_ metric in: ${expr}`).toBeGreaterThan(0);
    expect(names.filter((n) => !exported.has(n))).toEqual([]);
    expect(sdk.filter((n) => !sdkExported.has(n))).toEqual([]);
  });

  it('covers what the SREs asked for', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const m of ['zhongshu_orders', 'zhongshu_orders_on_hold', 'zhongshu_http_request_duration_seconds_bucket', 'zhongshu_webhook_rejections_total', 'zhongshu_breaker_state', 'zhongshu_poll_lag_seconds', 'zhongshu_rate_limit_waits_total', 'zhongshu_quarantined_total', 'zhongshu_workflows_started_total']) {
      expect(metricNames(all), m).toContain(m);
    }
    // Workflow task latency comes from the SDK worker's own metrics.
    expect(sdkMetricNames(all)).toContain('temporal_workflow_task_schedule_to_start_latency_bucket');
    expect(sdkMetricNames(all)).toContain('temporal_workflow_task_execution_latency_bucket');
    expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).sort()).toEqual(['ZhongshuBreakerOpenTooLong', 'ZhongshuNoOrdersInBusinessHours', 'ZhongshuPollLagHigh', 'ZhongshuQuarantineGrowing']);
  });

  it('catches a query of a metric the hub does not export', () => {
    expect(metricNames('rate(zhongshu_orders_shipped_total[5m])').filter((n) => !exported.has(n))).toEqual(['zhongshu_orders_shipped_total']);
    expect(sdkMetricNames('rate(temporal_workflow_task_latency_bucket[5m])').filter((n) => !sdkExported.has(n))).toEqual(['temporal_workflow_task_latency_bucket']);
  });
});
