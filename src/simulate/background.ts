import type { Client } from '@temporalio/client';
import type { InventoryPool } from '../inventory/pool.js';
import { pollScheduleId } from '../polling/schedules.js';
import { WORLD } from '../sandbox/world.js';
import { errorMessage } from '../util/errors.js';
import type { CourierFloor } from './courier.js';

/**
 * What keeps a simulated day moving besides the orders: the polled shops' schedules fire every
 * minute at most, so they are triggered every `pollEveryMs`; the courier floor moves parcels; the
 * pool is sampled so a negative availability is seen even if it recovers later.
 */
export function startShopFloor(d: { client: Client; taskQueue: string; floor: CourierFloor; pool: InventoryPool; pollEveryMs: number; tickMs: number; onError: (line: string) => void }): { minAvailable: Record<string, number>; stop(): Promise<void> } {
  const minAvailable: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    let lastPoll = 0;
    while (running) {
      try {
        if (Date.now() - lastPoll >= d.pollEveryMs) {
          lastPoll = Date.now();
          for (const ch of [WORLD.channels.taobao, WORLD.channels.pinduoduo]) await d.client.schedule.getHandle(pollScheduleId(ch, d.taskQueue)).trigger();
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
    },
  };
}
