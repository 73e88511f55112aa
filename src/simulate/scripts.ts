import type { SandboxWorld } from '../sandbox/world.js';
import { allWaybills, type CourierFloor } from './courier.js';
import { SCENARIO, type PlannedOrder } from './plan.js';
import { platformActions, START, type PlatformActions } from './platforms.js';
import type { ShadowFloor } from './shadow-floor.js';
import type { HubCase } from './invariants.js';

/** What an order's script may use besides the platform. */
export interface ScriptContext {
  world: SandboxWorld;
  floor: CourierFloor;
  /** The unpaid countdown the hub runs with, in ms. */
  unpaidLockMs: number;
  sleep(ms: number): Promise<void>;
  /** Resolves true once `pred` holds (checked every `everyMs`, a few hundred ms by default), false after `timeoutMs`. */
  until(pred: () => boolean | Promise<boolean>, timeoutMs: number, everyMs?: number): Promise<boolean>;
  /** The hub knows the order (its workflow answers). */
  hubHas(key: string): Promise<boolean>;
  /**
   * The hub will not move this order any further by itself: its run finished, or it waits on a
   * person's decision. A script waiting for the push or the pickup stops waiting then.
   */
  hubStopped(key: string): Promise<boolean>;
  /** State of the order's first stock hold in the pool (locked, released...), null when there is none. */
  holdState(key: string): Promise<string | null>;
  /** The order's lifecycle state as its workflow answers it (null when it cannot answer). */
  hubState(key: string): Promise<string | null>;
  /** The order's after-sales cases (GET /api/after-sales?orderKey=). */
  hubCases(key: string): Promise<HubCase[]>;
  /** Orders whose refund after pickup was played; the invariants expect a case for each. */
  refundedAfterPickup: Set<string>;
  /** The seller cancels in the hub (POST /api/orders/:key/cancel). */
  hubCancel(key: string, cause: string): Promise<number>;
  /** A line of the day's log. */
  note(line: string): void;
  /**
   * The shadow channel's floor, when one platform runs in shadow: its orders never reach the WMS
   * or a courier, so their scripts wait on the recorded writes and the reported handover instead.
   */
  shadow?: ShadowFloor | null;
}

/**
 * How long a refund script waits for the hub to push (or the parcel to be picked up) before the
 * refund is given up (and noted). As long as the day may drain: on the shared box at load 25 the
 * hub took over 5 minutes from placement to the WMS push, and a 300 s wait gave up 25 of 34
 * refunds after the push of a 500-order day, which then shipped (INTERCEPTED failed for the
 * simulator's impatience, not for the hub).
 */
const REFUND_AFTER_PUSH_WAIT_MS = 30 * 60_000;

/** How many checks of the local condition between two asks whether the hub stopped (a describe and a Redis read). */
const STOPPED_EVERY = 20;

/**
 * How often a script asks the hub itself (GET /api/orders/:key is a workflow query, a task for the
 * worker): as often as a person refreshing a page. Asked every 300 ms by each waiting script, a
 * busy day's own watching became a good part of the worker's load.
 */
const HUB_READ_EVERY_MS = 2_000;

/**
 * Waits until `pred` holds, for as long as the hub keeps working on the order: false once the hub
 * stopped moving it (finished, or waiting on a person) or after `REFUND_AFTER_PUSH_WAIT_MS`.
 */
async function whileHubWorks(ctx: ScriptContext, o: PlannedOrder, pred: () => boolean | Promise<boolean>, everyMs?: number): Promise<boolean> {
  let n = 0;
  let stopped = false;
  const met = await ctx.until(
    async () => {
      if (await pred()) return true;
      if (++n % STOPPED_EVERY === 0 && (await ctx.hubStopped(o.key))) stopped = true;
      return stopped;
    },
    REFUND_AFTER_PUSH_WAIT_MS,
    everyMs,
  );
  return met && !stopped;
}

const shadowed = (ctx: ScriptContext, o: PlannedOrder): ShadowFloor | null => (ctx.shadow?.covers(o) ? ctx.shadow : null);
/** The order's outbound trade at the WMS (a shadow order's: its recorded push), null before the push. */
function wmsTrade(ctx: ScriptContext, o: PlannedOrder): 'live' | 'intercepted' | 'other' | null {
  const shadow = shadowed(ctx, o);
  if (shadow) return shadow.standing(o.key).wms;
  const t = ctx.world.wdt.trade(o.id);
  return t ? (t.state === 'live' || t.state === 'intercepted' ? t.state : 'other') : null;
}
function pickedUp(ctx: ScriptContext, o: PlannedOrder): boolean {
  const shadow = shadowed(ctx, o);
  if (shadow) return shadow.pickedUp(o.key);
  return allWaybills(ctx.world, (w) => w.status === 'live' && w.stage === 'picked_up' && ctx.floor.owners.owner(w)?.key === o.key).length > 0;
}

/** Plays one order's scenario from its placement to the platform's last word on it. */
export async function playOrder(ctx: ScriptContext, o: PlannedOrder): Promise<void> {
  const p: PlatformActions = platformActions(ctx.world, o.platform);
  const step = async (change: () => void, times = 1) => {
    change();
    await p.publish(o, times);
  };
  switch (o.scenario) {
    case SCENARIO.NORMAL:
    case SCENARIO.REMOTE_EMS:
    case SCENARIO.HOT_SKU:
    case SCENARIO.UNKNOWN_SKU:
      return step(() => p.place(o, START.PAID));
    case SCENARIO.REDELIVERY:
      return step(() => p.place(o, START.PAID), 3);
    case SCENARIO.SHIPPED_ELSEWHERE:
      return step(() => p.place(o, START.SHIPPED));
    case SCENARIO.UNPAID_THEN_PAID:
      await step(() => p.place(o, START.UNPAID));
      await ctx.sleep(ctx.unpaidLockMs * (0.2 + 0.3 * o.variant));
      return step(() => p.pay(o));
    case SCENARIO.PAID_LATE: {
      await step(() => p.place(o, START.UNPAID));
      // Paid once the hub's countdown gave the stock back, however late the hub heard of the order:
      // timed from the placement, a poll running behind on a loaded box made "after the countdown"
      // land after the hub's unpaid close instead (40 s at x180), a different scenario.
      const released = await ctx.until(async () => (await ctx.holdState(o.key)) === 'released', ctx.unpaidLockMs * 6);
      if (!released) ctx.note(`${o.key}: the hub's countdown had not released its stock after ${Math.round((ctx.unpaidLockMs * 6) / 1000)} s; paid anyway`);
      await ctx.sleep(ctx.unpaidLockMs * 0.2 * o.variant);
      return step(() => p.pay(o));
    }
    case SCENARIO.NEVER_PAID:
      await step(() => p.place(o, START.UNPAID));
      // Taobao and Douyin close their own unpaid orders; on Youzan the hub's unpaid close hours run out first.
      if (o.platform === 'taobao' || o.platform === 'douyin') {
        await ctx.sleep(ctx.unpaidLockMs * (1.2 + 0.5 * o.variant));
        await step(() => p.close(o));
      }
      return;
    case SCENARIO.HOLD_RELEASED:
      await step(() => p.place(o, START.HOLD));
      await ctx.sleep(2_000 + 2_000 * o.variant);
      return step(() => p.release(o));
    case SCENARIO.CANCELLED:
      if (o.platform === 'shopify') {
        await step(() => p.place(o, START.UNPAID));
        await ctx.sleep(1_000 + 1_000 * o.variant);
        return step(() => p.close(o));
      }
      // On platform hold nothing moves downstream, so the seller's cancel is surely before the push.
      await step(() => p.place(o, START.HOLD));
      if (!(await ctx.until(() => ctx.hubHas(o.key), 60_000, HUB_READ_EVERY_MS))) {
        // The poll has not brought it yet (a loaded machine): the buyer cancels on the platform
        // instead, which the next poll carries to the hub, so the order still ends cancelled.
        ctx.note(`${o.key}: not at the hub after 60 s; cancelled on the platform instead`);
        return step(() => p.close(o));
      }
      {
        const status = await ctx.hubCancel(o.key, 'buyer asked the seller to cancel');
        if (status >= 300) ctx.note(`${o.key}: hub cancel answered ${status}`);
      }
      return;
    case SCENARIO.REFUND_BEFORE_PUSH:
      await step(() => p.place(o, START.REFUND_OPEN));
      await ctx.sleep(2_000 + 2_000 * o.variant);
      return step(() => p.refundDone(o));
    case SCENARIO.REFUND_AFTER_PUSH: {
      ctx.floor.heldBack.add(o.key);
      await step(() => p.place(o, START.PAID));
      // Held back at the courier, the parcel waits for the refund however long the push takes: on
      // a loaded box, with the 504 storm and the worker kill, 90 s was too short in the CI day and
      // the refund was never played (the order shipped and INTERCEPTED failed, a simulator artefact).
      if (!(await whileHubWorks(ctx, o, () => wmsTrade(ctx, o) === 'live'))) {
        ctx.note(`${o.key}: never pushed to the WMS; refund not played`);
        ctx.floor.heldBack.delete(o.key);
        return;
      }
      await step(() => p.refundOpen(o));
      await ctx.until(() => wmsTrade(ctx, o) === 'intercepted', 30_000);
      return step(() => p.refundDone(o));
    }
    case SCENARIO.REFUND_AFTER_PICKUP: {
      // The parcel stays in transit until the refund has been heard: delivered first, the order
      // would complete and a later refund would be a different story (after delivery).
      ctx.floor.undelivered.add(o.key);
      try {
        await step(() => p.place(o, START.PAID));
        // Asked once the hub itself shows the parcel with the courier, however long the push and
        // the pickup took on this machine (first the courier's own book, then the hub's state).
        const inTransit = (await whileHubWorks(ctx, o, () => pickedUp(ctx, o))) && (await whileHubWorks(ctx, o, async () => (await ctx.hubState(o.key)) === 'in_transit', HUB_READ_EVERY_MS));
        if (!inTransit) {
          ctx.note(`${o.key}: never in transit at the hub; refund after pickup not played`);
          return;
        }
        await step(() => p.refundOpen(o));
        ctx.refundedAfterPickup.add(o.key);
        await whileHubWorks(ctx, o, async () => (await ctx.hubCases(o.key)).length >= o.lines.length, HUB_READ_EVERY_MS);
        return;
      } finally {
        ctx.floor.undelivered.delete(o.key);
      }
    }
    case SCENARIO.STALE_COPY: {
      await step(() => p.place(o, START.UNPAID));
      // The unpaid copy's push sticks in the platform's queue; the buyer pays a moment later
      // (update times are whole seconds on Shopify, so a later copy is at least a second newer).
      const late = p.delayCopy(o);
      await ctx.sleep(1_100 + 1_000 * o.variant);
      await step(() => p.pay(o));
      await ctx.until(() => wmsTrade(ctx, o) !== null, 5_000 + 10_000 * o.variant);
      return late.deliver();
    }
    case SCENARIO.ADDRESS_CHANGE:
      await step(() => p.place(o, START.PAID));
      await ctx.until(() => wmsTrade(ctx, o) !== null, 10_000 + 10_000 * o.variant);
      return step(() => p.changeStreet(o));
  }
}
