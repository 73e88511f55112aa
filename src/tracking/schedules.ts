import { ScheduleAlreadyRunning, type Client, type ScheduleSpec } from '@temporalio/client';
import type { HubConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { deleteUnwantedSchedules, upsertSchedule } from '../temporal/schedules.js';
import { errorMessage } from '../util/errors.js';
import type { TrackingSweepInput } from '../../workflows/tracking-sweep.js';

export const ROBOT_SCHEDULE_PREFIX = 'zhongshu-robot:';
export const trackingScheduleId = (taskQueue: string) => `${ROBOT_SCHEDULE_PREFIX}tracking@${taskQueue}`;
export const notifyFlushScheduleId = (taskQueue: string) => `${ROBOT_SCHEDULE_PREFIX}notify-flush@${taskQueue}`;
export const dailySummaryScheduleId = (taskQueue: string) => `${ROBOT_SCHEDULE_PREFIX}daily-summary@${taskQueue}`;
export const wmsReturnsScheduleId = (taskQueue: string) => `${ROBOT_SCHEDULE_PREFIX}wms-returns@${taskQueue}`;

/** Anything configured that may send a message: then waiting messages need the flush. */
export function notificationsInUse(config: HubConfig): boolean {
  return config.notifications.routes.length > 0 || Object.keys(config.lifecycle.notify).length > 0 || config.channels.some((c) => c.poll.alertConnector);
}

/** A calendar schedule (the daily summary at a local wall-clock time); same create-or-update as upsertSchedule. */
async function upsertCalendarSchedule(client: Client, w: { scheduleId: string; spec: ScheduleSpec; workflowType: string; taskQueue: string; memo: Record<string, string> }, logger: Logger): Promise<void> {
  const action = { type: 'startWorkflow' as const, workflowType: w.workflowType, args: [], taskQueue: w.taskQueue, workflowId: `${w.scheduleId}-run` };
  try {
    await client.schedule.create({ scheduleId: w.scheduleId, spec: w.spec, action, policies: { overlap: 'SKIP', catchupWindow: '1 hour' }, memo: w.memo });
    logger.info({ scheduleId: w.scheduleId }, 'schedule created');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) {
      logger.warn({ scheduleId: w.scheduleId, err: errorMessage(err) }, 'cannot create schedule');
      return;
    }
    await client.schedule.getHandle(w.scheduleId).update((prev) => ({ ...prev, spec: w.spec, action }));
  }
}

/**
 * The robots' Temporal Schedules: the tracking sweep (tracking.enabled), the notification flush
 * (whenever something may notify), the daily summary (notifications.dailySummary.enabled), the
 * WMS returns sweep (afterSales.returns.wms). Those
 * config no longer wants are deleted.
 */
export async function ensureRobotSchedules(client: Client, config: HubConfig, logger: Logger): Promise<string[]> {
  const taskQueue = config.temporal.taskQueue;
  const wanted = new Set<string>();
  const t = config.tracking;
  if (t.enabled && t.kdniao) {
    const args: [TrackingSweepInput] = [{ batchSize: t.batchSize, maxPerRun: t.maxPerRun, backfill: Boolean(t.backfill.wms) }];
    const id = trackingScheduleId(taskQueue);
    if (await upsertSchedule(client, { scheduleId: id, every: `${t.everyMinutes} minutes`, workflowType: 'trackingSweep', args, taskQueue, memo: { purpose: 'tracking back-fill robot: KDNiao queries, WMS logistics sync' } }, logger)) wanted.add(id);
  }
  if (notificationsInUse(config)) {
    const id = notifyFlushScheduleId(taskQueue);
    if (await upsertSchedule(client, { scheduleId: id, every: `${config.notifications.flushEverySeconds} seconds`, workflowType: 'flushNotifications', args: [], taskQueue, memo: { purpose: 'send notifications that waited for a rate window or a retry' } }, logger)) wanted.add(id);
  }
  const r = config.afterSales.returns;
  if (r.wms) {
    const id = wmsReturnsScheduleId(taskQueue);
    if (await upsertSchedule(client, { scheduleId: id, every: `${r.everyMinutes} minutes`, workflowType: 'wmsReturnsSweep', args: [], taskQueue, memo: { purpose: 'WMS return stock-ins (退货入库) to their after-sales cases' } }, logger)) wanted.add(id);
  }
  const ds = config.notifications.dailySummary;
  if (ds.enabled) {
    const [hour = 9, minute = 0] = ds.at.split(':').map(Number);
    const id = dailySummaryScheduleId(taskQueue);
    await upsertCalendarSchedule(client, { scheduleId: id, spec: { calendars: [{ hour, minute }], timezone: ds.timezone }, workflowType: 'dailySummary', taskQueue, memo: { purpose: `daily summary at ${ds.at} ${ds.timezone}` } }, logger);
    wanted.add(id);
  }
  await deleteUnwantedSchedules(client, { prefix: ROBOT_SCHEDULE_PREFIX, taskQueue }, wanted, logger);
  return [...wanted];
}
