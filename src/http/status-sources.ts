import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import { z } from 'zod';

export const ScheduleStatus = z.object({ id: z.string(), purpose: z.string().nullable(), paused: z.boolean(), lastRunAt: z.string().nullable(), nextRunAt: z.string().nullable() });
export type ScheduleStatus = z.infer<typeof ScheduleStatus>;
export const RateLimitStatus = z.object({ connector: z.string(), capability: z.string(), waits: z.number().int(), refused: z.number().int() });
export type RateLimitStatus = z.infer<typeof RateLimitStatus>;

/** The rate-limit counters of src/resilience/metrics.ts, read back by name from the hub's registry. */
export const RATE_LIMIT_METRIC = { WAITS: 'zhongshu_rate_limit_waits_total', REFUSED: 'zhongshu_rate_limited_total' } as const;

const Labels = z.object({ connector: z.string(), capability: z.string() });

/**
 * Waits and refusals per connector and capability since this process started (the counters are
 * per process: in the split topology the workers' own are on their /metrics).
 */
export async function rateLimitSummary(registry: Registry): Promise<RateLimitStatus[]> {
  const rows = new Map<string, RateLimitStatus>();
  for (const [field, name] of [['waits', RATE_LIMIT_METRIC.WAITS], ['refused', RATE_LIMIT_METRIC.REFUSED]] as const) {
    const metric = registry.getSingleMetric(name);
    if (!metric) continue;
    for (const v of (await metric.get()).values) {
      const labels = Labels.safeParse(v.labels);
      if (!labels.success || v.value <= 0) continue;
      const key = `${labels.data.connector}\u0000${labels.data.capability}`;
      const row = rows.get(key) ?? { ...labels.data, waits: 0, refused: 0 };
      row[field] += v.value;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) => b.waits + b.refused - (a.waits + a.refused));
}

/** This task queue's Temporal schedules (poll, stock sync, robots, sweeps) with their last and next run. */
export async function temporalSchedules(client: Pick<Client, 'schedule'>, taskQueue: string): Promise<ScheduleStatus[]> {
  const out: ScheduleStatus[] = [];
  for await (const s of client.schedule.list()) {
    // Schedule ids end with @<taskQueue>: another hub sharing the namespace keeps its own.
    if (!s.scheduleId.endsWith(`@${taskQueue}`)) continue;
    const purpose = s.memo?.['purpose'];
    const last = s.info.recentActions.at(-1);
    const next = s.info.nextActionTimes[0];
    out.push({ id: s.scheduleId, purpose: typeof purpose === 'string' ? purpose : null, paused: s.state.paused, lastRunAt: last ? last.takenAt.toISOString() : null, nextRunAt: next ? next.toISOString() : null });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
