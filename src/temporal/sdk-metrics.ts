/**
 * The Temporal SDK worker's own metrics (workflow task latency, sticky cache, slots, polls), served
 * by the SDK core's Prometheus exporter on its own address when ZHONGSHU_SDK_METRICS_ADDRESS is
 * set (host:port, e.g. 0.0.0.0:9465): they live in the Rust core, not in the hub's prom-client
 * registry, so they cannot share its /metrics. Names keep the SDK's `temporal_` prefix, as
 * Temporal's own dashboards expect; durations are in seconds.
 */
export const SDK_METRICS_ENV = 'ZHONGSHU_SDK_METRICS_ADDRESS';

/** The SDK metrics the shipped dashboard queries (histograms by their `_bucket` series): checked against a live scrape in tests/sdk-metrics.test.ts. */
export const SDK_DASHBOARD_METRICS = [
  'temporal_workflow_task_schedule_to_start_latency_bucket',
  'temporal_workflow_task_execution_latency_bucket',
  'temporal_activity_schedule_to_start_latency_bucket',
  'temporal_sticky_cache_size',
] as const;

/** ZHONGSHU_SDK_METRICS_ADDRESS: unset or empty means no exporter; otherwise host:port with a TCP port. */
export function sdkMetricsAddressFromEnv(env: NodeJS.ProcessEnv): { ok: true; address: string | null } | { ok: false; error: string } {
  const raw = env[SDK_METRICS_ENV];
  if (raw === undefined || raw === '') return { ok: true, address: null };
  const m = /^(.+):(\d+)$/.exec(raw);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port < 1 || port > 65_535) return { ok: false, error: `${SDK_METRICS_ENV}: expected host:port (e.g. 0.0.0.0:9465), got "${raw}"` };
  return { ok: true, address: raw };
}
