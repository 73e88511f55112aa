import type { PlatformStockSet } from '../sandbox/platform-kit.js';
import type { SandboxWorld, WorldPlatform } from '../sandbox/world.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import { SHADOW_PREFIX } from '../shadow/mode.js';
import type { ShadowWrite } from '../shadow/recorder.js';
import { workflowIdFor } from '../intake/order-intake.js';
import { allWaybills, type WaybillOwners } from './courier.js';
import { CheckTally, type HubView, type InvariantResult } from './invariants.js';
import { EXPECT, type PlannedOrder } from './plan.js';
import { shadowStanding } from './shadow-floor.js';

/**
 * The invariants of the day's shadow channel (`simulate --shadow <platform>`). Its orders are
 * received and run as live ones, but every downstream write goes to the shadow recorder: the
 * sandboxes must not have heard of them, and the recorder must hold what the lifecycle would
 * have sent. The day's other invariants (invariants.ts) leave the shadow orders' real downstream
 * (SHIP_ONE_*, INTERCEPTED) to these; the rest (settled, holds, store, after-sales) hold for
 * shadow orders as for live ones.
 *
 * Stock: a shadow order locks in the hub's pool like a live one (the pool is the warehouse's,
 * shared by every channel, so a shadow order can make a live one wait on a hot SKU, as it would
 * in a real 双轨 run), hands its hold over at the recorded WMS push (its units leave on hand),
 * and commits it at the pickup the simulated warehouse reports (shadow-floor.ts). The WMS never
 * had the trade, so its stock does not go down for it: its reading at the end of the day sets the
 * hub's on hand back to the WMS's count, which counts live pickups only (a physical reading
 * subtracts only hand-overs still outstanding, and a shadow order's is closed by its commit or
 * release). The rule STOCK_BALANCE keeps is therefore the live one: after the reading,
 * on hand = initial - live parcels picked up (a shadow order takes nothing off the WMS, so it
 * takes nothing off the reading), and before it the hub may only understate (its own bookkeeping
 * still counts the shadow commits). In a real 双轨 run the old system ships the parcel and the WMS
 * reading drops by it; in the day no old system exists, so nothing does.
 */
export const SHADOW_INVARIANT = {
  SHADOW_NOTHING_SENT: "the shadow channel's orders reached no real system: no waybill at any courier (nor a Douyin e-waybill), no WMS trade, no shipment confirmation at the platform",
  SHADOW_WRITES_RECORDED: "every write the lifecycle made for a shadow order is recorded: shippable ones the workflow's SHADOW- waybill, a standing WMS push and one shipment confirmation; refunded after the push an intercepted push and no waybill; nothing for the rest",
  SHADOW_STOCK_PUSH: "the day's stock push to the shadow platform was recorded, and the platform set no stock",
} as const;
export type ShadowInvariantName = keyof typeof SHADOW_INVARIANT;

export interface ShadowEvidence {
  world: SandboxWorld;
  platform: WorldPlatform;
  /** The whole day's plan; the shadow platform's orders are checked. */
  orders: readonly PlannedOrder[];
  owners: WaybillOwners;
  hub: ReadonlyMap<string, HubView>;
  /** Everything the recorder holds for the shadow channel (order writes and stock pushes). */
  writes: readonly ShadowWrite[];
  /** The channel confirms shipments to its platform (a confirmation is expected, recorded). */
  confirming: boolean;
  /** The day's closing stock sync (its workflow id), when it pushed to the shadow platform's connector. */
  stockPush: { workflowId: string } | null;
}

/** Stock the platform sandbox was told to set (Youzan's keeps none: it takes no stock push). */
function stockSets(world: SandboxWorld, platform: WorldPlatform): readonly PlatformStockSet[] {
  return platform === 'youzan' ? [] : world[platform].state().stockSets;
}

const tally = (id: ShadowInvariantName) => new CheckTally(id, SHADOW_INVARIANT[id]);

export function checkShadow(e: ShadowEvidence): InvariantResult[] {
  const sent = tally('SHADOW_NOTHING_SENT');
  const recorded = tally('SHADOW_WRITES_RECORDED');
  const stock = tally('SHADOW_STOCK_PUSH');
  const mine = e.orders.filter((o) => o.platform === e.platform);
  const byWorkflow = new Map<string, ShadowWrite[]>();
  for (const w of e.writes) byWorkflow.set(w.workflowId, [...(byWorkflow.get(w.workflowId) ?? []), w]);
  const waybills = new Map<string, string[]>();
  for (const { courier, w } of allWaybills(e.world)) {
    const o = e.owners.owner(w);
    if (o?.platform === e.platform) waybills.set(o.key, [...(waybills.get(o.key) ?? []), `${courier} ${w.waybillNo} (${w.status})`]);
  }
  const dy = e.platform === 'douyin' ? e.world.douyin.state().ewaybills : null;
  const ewaybills = dy ? [...dy.live, ...dy.cancelled] : [];
  const trades = e.world.wdt.state().trades.list;
  const shipments = e.world[e.platform].state().shipments;

  for (const o of mine) {
    const hub = e.hub.get(o.key) ?? { runStatus: null, state: null, decision: null };
    const atCouriers = [...(waybills.get(o.key) ?? []), ...ewaybills.filter((w) => w.extra['douyinOrderId'] === o.id).map((w) => `douyin e-waybill ${w.waybillNo}`)];
    const atWms = trades.filter((t) => t.tid === o.id);
    const confirms = shipments.filter((s) => s.orderId === o.id);
    sent.check(o.key, atCouriers.length === 0 && atWms.length === 0 && confirms.length === 0, () => `${o.scenario}: waybills [${atCouriers.join(', ')}], ${atWms.length} WMS trade(s), ${confirms.length} confirmation(s) at ${e.platform}; hub state ${hub.state ?? 'none'}`);

    const writes = byWorkflow.get(workflowIdFor(o.key)) ?? [];
    const s = shadowStanding(writes);
    const n = (c: string) => s.counts[c] ?? 0;
    const summary = () => `${o.scenario}: recorded [${writes.map((w) => w.capability).join(', ') || 'nothing'}], waybill ${s.waybillNo ?? 'none'}, WMS push ${s.wms ?? 'none'}; hub state ${hub.state ?? 'none'} / waybill ${hub.waybillNo ?? 'none'}; ${hub.trail ?? ''}`;
    const ships = o.expect === EXPECT.SHIP || (o.expect === EXPECT.SHIP_OR_DECISION && hub.decision === null);
    if (ships) {
      const waybillOk = s.waybillNo !== null && s.waybillNo.startsWith(SHADOW_PREFIX) && s.waybillNo === (hub.waybillNo ?? null);
      const confirmOk = !e.confirming || n(CAPABILITY.SHIPMENT_CONFIRM) === 1;
      recorded.check(o.key, waybillOk && s.wms === 'live' && confirmOk, summary);
    } else if (o.expect === EXPECT.INTERCEPTED) {
      recorded.check(o.key, s.wms !== 'live' && s.waybillNo === null, summary);
    } else recorded.check(o.key, writes.length === 0, summary);
  }

  if (e.stockPush) {
    const sets = stockSets(e.world, e.platform);
    const sync = e.stockPush.workflowId;
    const pushes = e.writes.filter((w) => w.capability === CAPABILITY.INVENTORY_PUSH && w.workflowId === sync);
    stock.check(e.platform, sets.length === 0 && pushes.length > 0, () => `${e.platform} set stock ${sets.length} time(s); ${pushes.length} stock push(es) recorded`);
  }
  return [sent.result(), recorded.result(), stock.result()];
}
