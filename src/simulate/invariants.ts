import { CASE_TYPE, REFUND_TYPES } from '../../workflows/after-sales/constants.js';
import type { PlatformShipment } from '../sandbox/platform-kit.js';
import type { SandboxWorld, WorldPlatform } from '../sandbox/world.js';
import { allWaybills, type CourierId, type WaybillOwners } from './courier.js';
import { EXPECT, SCENARIO, type PlannedOrder } from './plan.js';
import type { ShadowInvariantName } from './shadow-check.js';

/** The invariants of a shop day, by name (the report and `--report json` use these). */
export const INVARIANT = {
  SHIP_ONE_WAYBILL: 'shippable orders have exactly one live waybill, at EMS for remote areas and SF otherwise',
  SHIP_ONE_WMS_TRADE: 'shippable orders have exactly one live WMS trade',
  SHIP_ONE_CONFIRMATION: 'shippable orders have exactly one platform shipment confirmation carrying the live waybill',
  NOTHING_DOWNSTREAM: 'held / shipped elsewhere / never paid / cancelled / refunded before the push: nothing waybilled, pushed or confirmed',
  INTERCEPTED: 'refunded after the push: no live waybill and no live WMS trade',
  STOCK_NEVER_NEGATIVE: 'available stock never below zero',
  STOCK_BALANCE: "after the day and the WMS's reading on hand = initial - picked up, never more before that reading, and no finished workflow still holds a lock",
  WORKFLOWS_SETTLED: 'every workflow completed, or waits on a named decision (none failed, none stuck)',
  HOLDS_DECIDED: 'every held order is in the decision queue with its reason, and its people were told exactly once',
  AFTER_SALES_CASE: 'every refund after pickup became an after-sales case (one per refunded line)',
  STORE_AGREES: "the order store's row agrees with the workflow's final state and waybill",
  FINANCE_AGREES: "the month's reconciliation CSV (orders, received, refunds per platform) equals each sandbox platform's own books",
} as const;
export type InvariantName = keyof typeof INVARIANT;
/** Checked by its own module after these (src/simulate/finance-check.ts): it reads the hub's finance route. */
type CheckedElsewhere = 'FINANCE_AGREES';

export interface InvariantResult {
  id: InvariantName | ShadowInvariantName;
  description: string;
  checked: number;
  violated: number;
  examples: { key: string; detail: string }[];
}

/** What the hub says of one order once the day has drained. */
export interface HubView {
  /** Temporal run status (RUNNING, COMPLETED, FAILED...) or null when the hub never started it. */
  runStatus: string | null;
  state: string | null;
  /** The decision it waits on (reason), if any. */
  decision: string | null;
  /** Why a failed run failed. */
  failure?: string;
  /** The reason of the hold the workflow itself shows (null when not held). */
  holdReason?: string | null;
  /** The workflow's live waybill number. */
  waybillNo?: string | null;
  /** False when the workflow could not answer and the view came from the store (no comparison possible). */
  live?: boolean;
  /** The last timeline entries, for the examples. */
  trail?: string;
}

/** What the order store (PostgreSQL projection) holds for one order; null when it has no row. */
export interface StoredView {
  state: string;
  waybillNo: string | null;
}

export interface StockView {
  initial: Record<string, number>;
  final: Record<string, { onHand: number; locked: number; available: number }>;
  /** On hand per SKU once the day drained, before the final WMS reading (the hub's own bookkeeping). */
  beforeReading?: Record<string, number>;
  /** Lowest available seen per SKU while sampling during the day. */
  minAvailable: Record<string, number>;
  /** Orders whose workflow finished (any way) but a hold of theirs is still locked. */
  closedWithLock: string[];
}

export interface Evidence {
  world: SandboxWorld;
  orders: readonly PlannedOrder[];
  owners: WaybillOwners;
  hub: ReadonlyMap<string, HubView>;
  stock: StockView;
  /** Platforms whose channel has the hub confirm shipments. */
  confirming: ReadonlySet<WorldPlatform>;
  /** Robot messages naming each order (their `order: <key>` line), as the WeCom sandbox received them. */
  notices: ReadonlyMap<string, readonly string[]>;
  /** After-sales cases of each order that had a refund after pickup played (GET /api/after-sales?orderKey=). */
  cases: ReadonlyMap<string, readonly HubCase[]>;
  /** Orders whose refund after pickup was played (the script saw the parcel in transit at the hub). */
  refundedAfterPickup: ReadonlySet<string>;
  /** The order store's rows; absent when the day ran without a store. */
  store?: ReadonlyMap<string, StoredView | null>;
  /** The platform whose channel ran in shadow mode: its orders' real downstream is checked in shadow-check.ts. */
  shadowPlatform?: WorldPlatform | null;
}

/** Counts one invariant's checks and keeps its first few violations as examples. */
export class CheckTally<N extends InvariantResult['id']> {
  checked = 0;
  violated = 0;
  readonly examples: { key: string; detail: string }[] = [];
  constructor(
    readonly id: N,
    readonly description: string,
  ) {}
  check(key: string, ok: boolean, detail: () => string): void {
    this.checked++;
    if (ok) return;
    this.violated++;
    if (this.examples.length < 5) this.examples.push({ key, detail: detail() });
  }
  result(): InvariantResult {
    return { id: this.id, description: this.description, checked: this.checked, violated: this.violated, examples: this.examples };
  }
}

class Tally extends CheckTally<InvariantName> {
  constructor(id: InvariantName) {
    super(id, INVARIANT[id]);
  }
}

function shipmentsOf(world: SandboxWorld, platform: WorldPlatform): PlatformShipment[] {
  return world[platform].state().shipments;
}

/** Checks every invariant against what the sandboxes recorded and what the hub says. */
export function checkInvariants(e: Evidence): InvariantResult[] {
  const t: Record<Exclude<InvariantName, CheckedElsewhere>, Tally> = {
    SHIP_ONE_WAYBILL: new Tally('SHIP_ONE_WAYBILL'),
    SHIP_ONE_WMS_TRADE: new Tally('SHIP_ONE_WMS_TRADE'),
    SHIP_ONE_CONFIRMATION: new Tally('SHIP_ONE_CONFIRMATION'),
    NOTHING_DOWNSTREAM: new Tally('NOTHING_DOWNSTREAM'),
    INTERCEPTED: new Tally('INTERCEPTED'),
    STOCK_NEVER_NEGATIVE: new Tally('STOCK_NEVER_NEGATIVE'),
    STOCK_BALANCE: new Tally('STOCK_BALANCE'),
    WORKFLOWS_SETTLED: new Tally('WORKFLOWS_SETTLED'),
    HOLDS_DECIDED: new Tally('HOLDS_DECIDED'),
    AFTER_SALES_CASE: new Tally('AFTER_SALES_CASE'),
    STORE_AGREES: new Tally('STORE_AGREES'),
  };
  const waybills = new Map<string, { no: string; live: boolean; stage: string; courier: CourierId }[]>();
  for (const { courier, w } of allWaybills(e.world)) {
    const o = e.owners.owner(w);
    if (!o) continue;
    const list = waybills.get(o.key) ?? [];
    list.push({ no: w.waybillNo, live: w.status === 'live', stage: w.stage, courier });
    waybills.set(o.key, list);
  }
  const trades = e.world.wdt.state().trades.list;
  const shipments = new Map<WorldPlatform, PlatformShipment[]>();
  for (const p of ['taobao', 'pinduoduo', 'douyin', 'youzan', 'shopify'] as const) shipments.set(p, shipmentsOf(e.world, p));

  const pickedUp = new Map<string, number>();
  for (const o of e.orders) {
    const hub = e.hub.get(o.key) ?? { runStatus: null, state: null, decision: null };
    const live = (waybills.get(o.key) ?? []).filter((w) => w.live);
    const liveTrades = trades.filter((tr) => tr.tid === o.id && tr.state !== 'intercepted');
    const anyTrade = trades.filter((tr) => tr.tid === o.id);
    const confirms = (shipments.get(o.platform) ?? []).filter((s) => s.orderId === o.id);
    if (live.some((w) => w.stage !== 'created')) for (const l of o.lines) pickedUp.set(l.sku, (pickedUp.get(l.sku) ?? 0) + l.qty);

    const shipExpected = o.expect === EXPECT.SHIP || (o.expect === EXPECT.SHIP_OR_DECISION && hub.decision === null);
    // A shadow order ships and is intercepted in the recorder only (shadow-check.ts); the other checks hold for it as for a live one.
    const shadow = o.platform === e.shadowPlatform;
    if (shipExpected && shadow) {
      // checked by checkShadow
    } else if (shipExpected) {
      // Remote areas ship with EMS (the day's rules), everything else with SF.
      const courier: CourierId = o.scenario === SCENARIO.REMOTE_EMS ? 'ems' : 'sf-express';
      t.SHIP_ONE_WAYBILL.check(o.key, live.length === 1 && live[0]?.courier === courier, () => `${o.scenario}: ${live.length} live waybill(s) [${live.map((w) => `${w.courier} ${w.no}`).join(', ')}], expected one at ${courier}; hub state ${hub.state ?? 'none'}; ${hub.trail ?? ''}`);
      t.SHIP_ONE_WMS_TRADE.check(o.key, liveTrades.length === 1, () => `${o.scenario}: ${liveTrades.length} live WMS trade(s) (${anyTrade.map((tr) => tr.state).join(', ') || 'none pushed'}), hub state ${hub.state ?? 'none'}`);
      if (e.confirming.has(o.platform)) {
        const no = live[0]?.no;
        const withLive = confirms.filter((s) => s.trackingNumber === no);
        t.SHIP_ONE_CONFIRMATION.check(o.key, live.length === 1 && withLive.length === 1, () => `${o.scenario}: ${withLive.length} confirmation(s) with live waybill ${no ?? '(none)'}; ${o.platform} recorded [${confirms.map((s) => `${s.kind}:${s.trackingNumber}`).join(', ')}]`);
      }
    } else if (o.expect === EXPECT.NONE || o.expect === EXPECT.SHIP_OR_DECISION) {
      const ok = live.length === 0 && anyTrade.length === 0 && confirms.length === 0;
      t.NOTHING_DOWNSTREAM.check(o.key, ok, () => `${o.scenario}: ${live.length} live waybill(s), ${anyTrade.length} WMS trade(s), ${confirms.length} confirmation(s); hub state ${hub.state ?? 'none'}; ${hub.trail ?? ''}`);
    } else if (o.expect === EXPECT.INTERCEPTED && !shadow) {
      t.INTERCEPTED.check(o.key, live.length === 0 && liveTrades.length === 0, () => `${o.scenario}: ${live.length} live waybill(s), WMS trade ${anyTrade.map((tr) => tr.state).join(', ') || 'none'}; hub state ${hub.state ?? 'none'}; ${hub.trail ?? ''}`);
    }

    // Held: the workflow shows a hold, or the scenario cannot go on without a person (an unknown SKU).
    const held = hub.state === 'on_hold' || (hub.holdReason ?? null) !== null || hub.decision !== null || o.scenario === SCENARIO.UNKNOWN_SKU;
    if (held) {
      const reason = hub.holdReason ?? hub.decision;
      const told = reason ? (e.notices.get(o.key) ?? []).filter((m) => m.includes(reason)).length : 0;
      t.HOLDS_DECIDED.check(o.key, reason !== null && hub.decision === reason && told === 1, () => `${o.scenario}: state ${hub.state ?? 'none'}, workflow hold ${hub.holdReason ?? 'none'}, decision queue ${hub.decision ?? 'absent'}, ${told} notice(s) naming it (${(e.notices.get(o.key) ?? []).length} naming the order); ${hub.trail ?? ''}`);
    }
    if (o.scenario === SCENARIO.REFUND_AFTER_PICKUP) {
      const cases = e.cases.get(o.key) ?? [];
      const played = e.refundedAfterPickup.has(o.key);
      t.AFTER_SALES_CASE.check(o.key, played && afterPickupCasesRight(cases, o.lines.length), () => (played ? `${cases.length} case(s) [${cases.map((c) => c.type).join(', ')}] for ${o.lines.length} refunded line(s); hub state ${hub.state ?? 'none'}` : `refund never played: the hub never showed the parcel in transit (state ${hub.state ?? 'none'})`));
    }
    if (e.store && hub.runStatus !== null) {
      const row = e.store.get(o.key) ?? null;
      const agrees = hub.live !== false && row !== null && row.state === hub.state && row.waybillNo === (hub.waybillNo ?? null);
      t.STORE_AGREES.check(o.key, agrees, () => (hub.live === false ? 'the workflow could not be read, nothing to compare with' : `store ${row ? `${row.state} / waybill ${row.waybillNo ?? 'none'}` : 'has no row'}; workflow ${hub.state ?? 'none'} / waybill ${hub.waybillNo ?? 'none'}`));
    }

    const settled = hub.runStatus === 'COMPLETED' || (hub.runStatus === 'RUNNING' && hub.decision !== null);
    t.WORKFLOWS_SETTLED.check(o.key, settled, () => `${o.scenario}: run ${hub.runStatus ?? 'never started'}, state ${hub.state ?? 'none'}${hub.decision ? `, decision ${hub.decision}` : ''}${hub.failure ? ` (${hub.failure.slice(0, 300)})` : ''}; ${hub.trail ?? ''}`);
  }

  for (const [sku, initial] of Object.entries(e.stock.initial)) {
    const min = e.stock.minAvailable[sku];
    t.STOCK_NEVER_NEGATIVE.check(sku, min === undefined || min >= 0, () => `lowest available seen ${min}`);
    const fin = e.stock.final[sku];
    // Shadow orders take nothing off the WMS, so nothing off its reading (the rule: shadow-check.ts).
    const expectOnHand = initial - (pickedUp.get(sku) ?? 0);
    // Before the reading the hub may understate (an intercept waits for the WMS), never overstate: that is an oversell.
    const before = e.stock.beforeReading?.[sku];
    t.STOCK_BALANCE.check(sku, fin !== undefined && fin.onHand === expectOnHand && fin.available >= 0 && (before === undefined || before <= expectOnHand), () => `on hand ${fin?.onHand ?? 'missing'} after the WMS reading (${before ?? '?'} before it), expected ${initial} - ${pickedUp.get(sku) ?? 0} picked up = ${expectOnHand}; locked ${fin?.locked ?? '?'}`);
  }
  for (const key of e.stock.closedWithLock) t.STOCK_BALANCE.check(key, false, () => 'workflow finished but its stock hold is still locked');

  return Object.values(t).map((x) => x.result());
}

/** A case as GET /api/after-sales lists it: its type, and the platform's own case id when the platform opened it. */
export interface HubCase {
  type: string;
  platformCaseId?: string | null | undefined;
}

/**
 * One case per refunded line. The order's own case (no platform case id) is a return: the parcel
 * is with the courier, so the goods come back before the money. When the pulled after-sale got
 * there first, the order joins it (PATCH.REFUND_CASE_JOINS_PLATFORM_CASE) and the platform's word
 * on the type stands (a buyer may ask for the money only, e.g. refusing the parcel): which of the
 * two comes first is a race between the order poll and the after-sales pull.
 */
export function afterPickupCasesRight(cases: readonly HubCase[], refundedLines: number): boolean {
  return cases.length === refundedLines && cases.every((c) => (c.platformCaseId ? REFUND_TYPES.some((t) => t === c.type) : c.type === CASE_TYPE.RETURN_AND_REFUND));
}
