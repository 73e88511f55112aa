import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { HubConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { errorMessage } from '../util/errors.js';
import type { StockSyncInput } from '../../workflows/stock-sync.js';

/** One set of schedules per task queue (hubs sharing a namespace must not fight over them). */
export const stockSyncScheduleId = (taskQueue: string) => `zhongshu-stock-sync@${taskQueue}`;
export const lockExpiryScheduleId = (taskQueue: string) => `zhongshu-lock-expiry@${taskQueue}`;

/** One schedule the hub wants: an interval, the workflow it starts, and a memo SREs read. */
export interface WantedSchedule {
  scheduleId: string;
  every: string;
  workflowType: string;
  args: unknown[];
  taskQueue: string;
  memo: Record<string, string>;
}

/**
 * Creates a schedule, or brings an existing one's interval and action in line with config. The
 * update keeps the schedule's state, so a schedule an SRE paused stays paused across restarts.
 * Overlap SKIP: a slow run is never joined by a second. The catch-up window is short: runs missed
 * while the hub was down are not replayed one by one (pollers resume from durable cursors).
 * Returns false when the schedule could not be created (logged; the hub starts anyway).
 */
export async function upsertSchedule(client: Client, w: WantedSchedule, logger: Logger): Promise<boolean> {
  const action = { type: 'startWorkflow' as const, workflowType: w.workflowType, args: w.args, taskQueue: w.taskQueue, workflowId: `${w.scheduleId}-run` };
  const spec = { intervals: [{ every: w.every }] };
  try {
    await client.schedule.create({ scheduleId: w.scheduleId, spec, action, policies: { overlap: 'SKIP', catchupWindow: '1 minute' }, memo: w.memo });
    logger.info({ scheduleId: w.scheduleId, every: w.every }, 'schedule created');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) {
      logger.warn({ scheduleId: w.scheduleId, err: errorMessage(err) }, 'cannot create schedule');
      return false;
    }
    await client.schedule.getHandle(w.scheduleId).update((prev) => ({ ...prev, spec, action }));
    logger.debug({ scheduleId: w.scheduleId }, 'schedule updated');
  }
  return true;
}

/**
 * Deletes this task queue's schedules of one family (id prefix) that config no longer wants, so
 * a removed channel's poll stops instead of failing every interval.
 */
export async function deleteUnwantedSchedules(client: Client, family: { prefix: string; taskQueue: string }, wanted: ReadonlySet<string>, logger: Logger): Promise<void> {
  try {
    for await (const s of client.schedule.list()) {
      if (!s.scheduleId.startsWith(family.prefix) || !s.scheduleId.endsWith(`@${family.taskQueue}`) || wanted.has(s.scheduleId)) continue;
      await client.schedule
        .getHandle(s.scheduleId)
        .delete()
        .catch((err: unknown) => {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        });
      logger.info({ scheduleId: s.scheduleId }, 'schedule deleted: config no longer wants it');
    }
  } catch (err) {
    logger.warn({ err: errorMessage(err), prefix: family.prefix }, 'could not clean up old schedules');
  }
}

/**
 * Creates (or updates to match config) the hub's Temporal Schedules, visible to SREs in the
 * web UI and `temporal schedule list`: the periodic stock push and the unpaid-lock sweep.
 */
export async function ensureSchedules(client: Client, config: HubConfig, logger: Logger): Promise<void> {
  const l = config.lifecycle;
  const taskQueue = config.temporal.taskQueue;
  const stockInput: StockSyncInput = { warehouse: l.warehouse, wms: l.wms ?? null, platforms: [...l.stockSync.platforms], skus: [] };
  await upsertSchedule(client, { scheduleId: stockSyncScheduleId(taskQueue), every: `${l.stockSync.everyMinutes} minutes`, workflowType: 'stockSync', args: [stockInput], taskQueue, memo: { purpose: 'WMS on-hand refresh and available-stock push to platforms' } }, logger);
  await upsertSchedule(client, { scheduleId: lockExpiryScheduleId(taskQueue), every: `${l.expirySweepSeconds} seconds`, workflowType: 'releaseExpiredLocks', args: [], taskQueue, memo: { purpose: 'release unpaid locks whose countdown ended' } }, logger);
}
