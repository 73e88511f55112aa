import { z } from 'zod';
import type { Hub } from '../hub.js';
import { InventoryPool } from '../inventory/pool.js';
import { WORLD, type SandboxWorld } from '../sandbox/world.js';
import { errorMessage } from '../util/errors.js';
import { startShopFloor } from './background.js';
import { CourierFloor, WaybillOwners } from './courier.js';
import { planDay } from './plan.js';
import { playOrder, type ScriptContext } from './scripts.js';

const BATCH = 50;
/** The parts of the hub's answers the demo's scripts read. */
const DemoOrderView = z.looseObject({ state: z.string().optional() });
const DemoCaseList = z.object({ items: z.array(z.looseObject({ type: z.string(), platformCaseId: z.string().nullable().optional() })) });

/**
 * `zhongshu start --sandbox`: orders keep arriving on the sandbox platforms at a gentle rate (the
 * same scenarios as `zhongshu simulate`, seeded batch by batch) until stop() — Ctrl-C in the CLI.
 * The couriers pick up and deliver, the polled shops are pulled every few seconds.
 */
export function startOrderGenerator(d: { hub: Hub; world: SandboxWorld; taskQueue: string; prefix: string; adminKey: string | undefined; ordersPerMinute: number; seed: number; say: (line: string) => void }): { stop(): Promise<void> } {
  const intervalMs = 60_000 / d.ordersPerMinute;
  const owners = new WaybillOwners();
  const floor = new CourierFloor(d.world, owners, { pickupMs: 5_000, deliveryMs: 10_000 });
  const pool = new InventoryPool(d.hub.redis, d.prefix);
  const shopFloor = startShopFloor({ client: d.hub.client, taskQueue: d.taskQueue, floor, pool, pollEveryMs: 5_000, tickMs: 1_000, onError: d.say });
  const auth: Record<string, string> = d.adminKey ? { authorization: `Bearer ${d.adminKey}` } : {};
  let running = true;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((r) => {
    wake = r;
  });
  // Scripts wait shop time (an unpaid countdown is 30 real minutes here): stopping cuts every wait short.
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      void stopped.then(() => {
        clearTimeout(t);
        r();
      });
    });
  const ctx: ScriptContext = {
    world: d.world,
    floor,
    unpaidLockMs: d.hub.config.lifecycle.unpaidLockMinutes * 60_000,
    sleep,
    async until(pred, timeoutMs, everyMs = 1_000) {
      const end = Date.now() + timeoutMs;
      while (running && Date.now() < end) {
        if (await pred()) return true;
        await sleep(Math.max(everyMs, 1_000));
      }
      return false;
    },
    hubHas: async (key) => (await d.hub.app.request(`/api/orders/${encodeURIComponent(key)}`, { headers: auth })).status === 200,
    // The demo never gives a script up for the hub's sake: its scripts end when the demo stops.
    hubStopped: async () => false,
    holdState: async (key) => (await pool.hold(WORLD.warehouse, `order:${key}:lock-0`))?.state ?? null,
    hubState: async (key) => {
      const res = await d.hub.app.request(`/api/orders/${encodeURIComponent(key)}`, { headers: auth });
      const body = DemoOrderView.safeParse(await res.json().catch(() => null));
      return res.status === 200 && body.success ? (body.data.state ?? null) : null;
    },
    hubCases: async (key) => {
      const res = await d.hub.app.request(`/api/after-sales?orderKey=${encodeURIComponent(key)}`, { headers: auth });
      const body = DemoCaseList.safeParse(await res.json().catch(() => null));
      return body.success ? body.data.items : [];
    },
    refundedAfterPickup: new Set(),
    hubCancel: async (key, cause) => (await d.hub.app.request(`/api/orders/${encodeURIComponent(key)}/cancel`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ cause, confirm: true }) })).status,
    note: d.say,
  };
  const scripts = new Set<Promise<void>>();
  const loop = (async () => {
    for (let batch = 0; running; batch++) {
      const plan = planDay(d.seed + batch, BATCH, BATCH * intervalMs);
      owners.add(plan.orders);
      for (const o of plan.orders) {
        if (!running) break;
        d.say(`${o.key} (${o.scenario})`);
        const p = playOrder(ctx, o).catch((err: unknown) => d.say(`${o.key}: ${errorMessage(err)}`));
        scripts.add(p);
        void p.finally(() => scripts.delete(p));
        await sleep(intervalMs);
      }
    }
  })();
  return {
    async stop() {
      running = false;
      wake();
      await loop;
      await shopFloor.stop();
      // A script cut short may still be telling a platform its last change; give it a moment, not forever.
      await Promise.race([Promise.allSettled([...scripts]), new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}

/** Stock for the demo's SKUs in the hub's pool (the WMS sandbox has the same figures). */
export async function stockDemoPool(hub: Hub, prefix: string, world: SandboxWorld): Promise<void> {
  const pool = new InventoryPool(hub.redis, prefix);
  for (const s of world.skus) await pool.setOnHand(WORLD.warehouse, s.sku, s.onHand);
}
