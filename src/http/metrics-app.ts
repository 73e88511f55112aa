import { Hono } from 'hono';
import type { Metrics } from './metrics.js';

/**
 * What a `--role worker` process serves when ZHONGSHU_METRICS_PORT is set: its own counters
 * (breakers, rate limits, polls and activity outcomes are counted where the activities run, not
 * in the HTTP role) and a liveness answer; no webhooks, no admin API.
 */
export function createMetricsApp(metrics: Metrics): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  return app;
}

/** ZHONGSHU_METRICS_PORT: unset or empty means none; anything else must be a TCP port. */
export function metricsPortFromEnv(env: NodeJS.ProcessEnv): { ok: true; port: number | null } | { ok: false; error: string } {
  const raw = env['ZHONGSHU_METRICS_PORT'];
  if (raw === undefined || raw === '') return { ok: true, port: null };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return { ok: false, error: `ZHONGSHU_METRICS_PORT: expected a TCP port (1-65535), got "${raw}"` };
  return { ok: true, port };
}
