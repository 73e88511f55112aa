import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { InventoryPool } from '../inventory/pool.js';
import { pollScheduleId } from '../polling/schedules.js';
import { WORLD } from '../sandbox/world.js';
import { errorMessage } from '../util/errors.js';
import type { CourierFloor } from './courier.js';

/**
 * Starts a poll of the shop now unless one is still running. A schedule's trigger overlaps by
 * default (ALLOW_ALL, whatever the schedule's own policy): triggered every 2 s, the 2,000-order
 * day ran some 300 polls of two shops at once, each re-reading its overlap, and Taobao orders
 * reached the hub over a minute late. The hub's polls assume one run per shop at a time.
 */
export async function pollNow(client: Client, scheduleId: string): Promise<void> {
  await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.SKIP);
}

/**
 * What keeps a simulated day moving besides the orders: the polled shops' schedules fire every
 * minute at most, so they are triggered every `pollEveryMs`; the courier floor moves parcels; the
 * pool is sampled so a negative availability is seen even if it recovers later.
 */
export function startShopFloor(d: { client: Client; taskQueue: string; floor: Pick<CourierFloor, 'tick' | 'idle'>; pool: InventoryPool; pollEveryMs: number; tickMs: number; onError: (line: string) => void }): { minAvailable: Record<string, number>; stop(): Promise<void> } {
  const minAvailable: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    let lastPoll = 0;
    while (running) {
      try {
        if (Date.now() - lastPoll >= d.pollEveryMs) {
          lastPoll = Date.now();
          for (const ch of [WORLD.channels.taobao, WORLD.channels.pinduoduo]) await pollNow(d.client, pollScheduleId(ch, d.taskQueue));
        }
        await d.floor.tick();
        for (const s of await d.pool.snapshot(WORLD.warehouse)) minAvailable[s.sku] = Math.min(minAvailable[s.sku] ?? Infinity, s.available);
      } catch (err) {
        d.onError(`shop floor: ${errorMessage(err)}`);
      }
      await new Promise((r) => setTimeout(r, d.tickMs));
    }
  })();
  return {
    minAvailable,
    async stop() {
      running = false;
      await loop;
      await d.floor.idle();
    },
  };
}
