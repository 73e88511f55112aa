import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { HubConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { errorMessage } from '../util/errors.js';
import type { StockSyncInput } from '../../workflows/stock-sync.js';

/** One set of schedules per task queue (hubs sharing a namespace must not fight over them). */
export const stockSyncScheduleId = (taskQueue: string) => `zhongshu-stock-sync@${taskQueue}`;
export const lockExpiryScheduleId = (taskQueue: string) => `zhongshu-lock-expiry@${taskQueue}`;

/**
 * Creates (or updates to match config) the hub's Temporal Schedules, visible to SREs in the
 * web UI and `temporal schedule list`: the periodic stock push and the unpaid-lock sweep.
 */
export async function ensureSchedules(client: Client, config: HubConfig, logger: Logger): Promise<void> {
  const l = config.lifecycle;
  const taskQueue = config.temporal.taskQueue;
  const stockInput: StockSyncInput = { warehouse: l.warehouse, wms: l.wms ?? null, platforms: [...l.stockSync.platforms], skus: [] };
  const wanted = [
    { scheduleId: stockSyncScheduleId(taskQueue), every: `${l.stockSync.everyMinutes} minutes`, workflowType: 'stockSync', args: [stockInput], memo: 'WMS on-hand refresh and available-stock push to platforms' },
    { scheduleId: lockExpiryScheduleId(taskQueue), every: `${l.expirySweepSeconds} seconds`, workflowType: 'releaseExpiredLocks', args: [], memo: 'release unpaid locks whose countdown ended' },
  ] as const;
  for (const w of wanted) {
    const action = { type: 'startWorkflow' as const, workflowType: w.workflowType, args: [...w.args], taskQueue, workflowId: `${w.scheduleId}-run` };
    const spec = { intervals: [{ every: w.every }] };
    try {
      await client.schedule.create({ scheduleId: w.scheduleId, spec, action, policies: { overlap: 'SKIP', catchupWindow: '1 minute' }, memo: { purpose: w.memo } });
      logger.info({ scheduleId: w.scheduleId, every: w.every }, 'schedule created');
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) {
        logger.warn({ scheduleId: w.scheduleId, err: errorMessage(err) }, 'cannot create schedule');
        continue;
      }
      await client.schedule.getHandle(w.scheduleId).update((prev) => ({ ...prev, spec, action }));
      logger.debug({ scheduleId: w.scheduleId }, 'schedule updated');
    }
  }
}
