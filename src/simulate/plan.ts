import { WORLD, type WorldPlatform, type WorldSku } from '../sandbox/world.js';
import { Prng } from './prng.js';

/** What happens to one order during the simulated day. */
export const SCENARIO = {
  NORMAL: 'normal',
  UNPAID_THEN_PAID: 'unpaid_then_paid',
  PAID_LATE: 'paid_after_countdown',
  NEVER_PAID: 'never_paid',
  HOLD_RELEASED: 'platform_hold_released',
  SHIPPED_ELSEWHERE: 'shipped_elsewhere',
  REDELIVERY: 'redelivery',
  ADDRESS_CHANGE: 'address_change',
  REFUND_BEFORE_PUSH: 'refund_before_push',
  REFUND_AFTER_PUSH: 'refund_after_push',
  /** The buyer asks for a refund once the parcel is with the courier: it ships, and the refund is an after-sales case. */
  REFUND_AFTER_PICKUP: 'refund_after_pickup',
  CANCELLED: 'cancelled_before_push',
  UNKNOWN_SKU: 'unknown_sku',
  HOT_SKU: 'hot_sku',
  /** An older copy of the order reaches the hub after a newer one (a push stuck in the platform's queue). */
  STALE_COPY: 'stale_copy',
  /** A remote-area address: the rules switch the carrier to EMS. */
  REMOTE_EMS: 'remote_area_ems',
} as const;
export type Scenario = (typeof SCENARIO)[keyof typeof SCENARIO];

/**
 * What the invariants expect of an order once the day has drained:
 * ship: one live waybill, one live WMS trade, one confirmation with that waybill;
 * none: nothing waybilled, pushed or confirmed; intercepted: no live waybill nor live WMS trade;
 * ship_or_decision: ships, or waits on a stock decision with nothing downstream (contention).
 */
export const EXPECT = { SHIP: 'ship', NONE: 'none', INTERCEPTED: 'intercepted', SHIP_OR_DECISION: 'ship_or_decision' } as const;
export type Expectation = (typeof EXPECT)[keyof typeof EXPECT];

const EXPECTATION: Record<Scenario, Expectation> = {
  normal: EXPECT.SHIP,
  unpaid_then_paid: EXPECT.SHIP,
  paid_after_countdown: EXPECT.SHIP,
  never_paid: EXPECT.NONE,
  platform_hold_released: EXPECT.SHIP,
  shipped_elsewhere: EXPECT.NONE,
  redelivery: EXPECT.SHIP,
  address_change: EXPECT.SHIP,
  refund_before_push: EXPECT.NONE,
  refund_after_push: EXPECT.INTERCEPTED,
  refund_after_pickup: EXPECT.SHIP,
  cancelled_before_push: EXPECT.NONE,
  unknown_sku: EXPECT.NONE,
  hot_sku: EXPECT.SHIP_OR_DECISION,
  stale_copy: EXPECT.SHIP,
  remote_area_ems: EXPECT.SHIP,
};

/**
 * Which platforms a scenario can be played on (what each platform's order model can express).
 * Douyin orders ship on the Douyin e-waybill (ciphertext receivers; SF carries the parcels), so
 * they play the plain shippable scenario too; their scripts cannot yet express refunds or address
 * changes.
 */
const PLATFORMS: Record<Scenario, readonly WorldPlatform[]> = {
  normal: ['taobao', 'pinduoduo', 'youzan', 'shopify', 'douyin'],
  unpaid_then_paid: ['taobao', 'youzan', 'shopify'],
  paid_after_countdown: ['taobao', 'youzan'],
  never_paid: ['taobao', 'youzan', 'douyin'],
  platform_hold_released: ['taobao', 'youzan'],
  shipped_elsewhere: ['taobao', 'pinduoduo'],
  redelivery: ['youzan', 'shopify'],
  address_change: ['taobao', 'youzan'],
  refund_before_push: ['taobao', 'pinduoduo'],
  refund_after_push: ['taobao'],
  refund_after_pickup: ['taobao'],
  cancelled_before_push: ['taobao', 'shopify'],
  unknown_sku: ['taobao', 'pinduoduo', 'shopify'],
  hot_sku: ['taobao', 'pinduoduo', 'youzan', 'shopify'],
  // The pushed platforms: a polled one always reads the current copy.
  stale_copy: ['youzan', 'shopify'],
  remote_area_ems: ['taobao', 'youzan'],
};

const WEIGHTS: Record<Scenario, number> = {
  normal: 30,
  unpaid_then_paid: 6,
  paid_after_countdown: 4,
  never_paid: 5,
  platform_hold_released: 6,
  shipped_elsewhere: 5,
  redelivery: 6,
  address_change: 6,
  refund_before_push: 5,
  refund_after_push: 5,
  refund_after_pickup: 3,
  cancelled_before_push: 5,
  unknown_sku: 4,
  hot_sku: 8,
  stale_copy: 4,
  remote_area_ems: 4,
};

export interface PlannedLine {
  sku: string;
  qty: number;
  price: number;
}

export interface PlannedOrder {
  /** 1-based position in the day. */
  n: number;
  platform: WorldPlatform;
  /** The platform's own order id. */
  id: string;
  /** The hub's order key: `<channel>:<id>`. */
  key: string;
  scenario: Scenario;
  expect: Expectation;
  lines: PlannedLine[];
  /** When the order is placed, ms after the day starts. */
  atMs: number;
  /** Per-order randomness drawn at plan time (delays, variants), so the script itself draws nothing. */
  variant: number;
}

export const HOT_SKU = 'SIM-HOT';
/** The remote district of the day (乌鲁木齐市天山区): the simulated hub's rules route it to EMS. */
export const REMOTE_DISTRICT = { code: '650102', province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区' } as const;
export const STOCKED_SKUS: readonly WorldSku[] = [
  { sku: 'SIM-TEA-250G', price: 6800, onHand: 10_000 },
  { sku: 'SIM-CUP-WHITE', price: 3900, onHand: 10_000 },
  { sku: 'SIM-KETTLE', price: 19_900, onHand: 10_000 },
  { sku: 'SIM-SOCKS-M', price: 1500, onHand: 10_000 },
];

export interface DayPlan {
  seed: number;
  orders: PlannedOrder[];
  skus: WorldSku[];
  /** Units of the hot SKU: fewer than its orders ask for, so some must wait on a decision. */
  hotStock: number;
}

/** A platform order id in the platform's own format, unique per seed and position. */
function platformId(platform: WorldPlatform, seed: number, n: number): string {
  const s = String(seed % 100_000).padStart(5, '0');
  const k = String(n).padStart(6, '0');
  switch (platform) {
    case 'taobao':
      return `41${s}${k}01`;
    case 'pinduoduo':
      return `261206-${s}${k}`;
    case 'douyin':
      return `69${s}${k}11`;
    case 'youzan':
      return `E2026${s}${k}`;
    case 'shopify':
      return `55${s}${k}`;
  }
}

/** Plans `count` orders over `dayMs`, all choices drawn from `seed`. */
export function planDay(seed: number, count: number, dayMs: number): DayPlan {
  const r = new Prng(seed);
  const orders: PlannedOrder[] = [];
  for (let n = 1; n <= count; n++) {
    const scenario = r.weighted(WEIGHTS);
    const platform = r.pick(PLATFORMS[scenario]);
    const id = platformId(platform, seed, n);
    const lines: PlannedLine[] = [];
    if (scenario === SCENARIO.HOT_SKU) lines.push({ sku: HOT_SKU, qty: 1, price: 9900 });
    else if (scenario === SCENARIO.UNKNOWN_SKU) lines.push({ sku: `SIM-UNLISTED-${n}`, qty: 1, price: 1200 });
    else {
      const first = r.pick(STOCKED_SKUS);
      lines.push({ sku: first.sku, qty: r.int(1, 2), price: first.price });
      const second = r.pick(STOCKED_SKUS);
      if (second.sku !== first.sku && r.chance(0.3)) lines.push({ sku: second.sku, qty: 1, price: second.price });
    }
    orders.push({ n, platform, id, key: `${WORLD.channels[platform]}:${id}`, scenario, expect: EXPECTATION[scenario], lines, atMs: Math.floor((dayMs * (n - 1)) / Math.max(1, count)), variant: r.next() });
  }
  const hotOrders = orders.filter((o) => o.scenario === SCENARIO.HOT_SKU).length;
  const hotStock = Math.max(1, Math.floor(hotOrders / 2));
  return { seed, orders, skus: [...STOCKED_SKUS, { sku: HOT_SKU, price: 9900, onHand: hotStock }], hotStock };
}

/**
 * `count` plain paid orders, round robin over `platforms`, stocked SKUs only: every one must ship.
 * The production-topology test uses it, where the faults are in the processes, not the orders.
 */
export function planSteadyOrders(seed: number, count: number, platforms: readonly WorldPlatform[]): PlannedOrder[] {
  const r = new Prng(seed);
  const orders: PlannedOrder[] = [];
  for (let n = 1; n <= count; n++) {
    const platform = platforms[(n - 1) % platforms.length];
    if (!platform) throw new Error('planSteadyOrders: no platforms given');
    const id = platformId(platform, seed, n);
    const sku = r.pick(STOCKED_SKUS);
    orders.push({ n, platform, id, key: `${WORLD.channels[platform]}:${id}`, scenario: SCENARIO.NORMAL, expect: EXPECT.SHIP, lines: [{ sku: sku.sku, qty: r.int(1, 2), price: sku.price }], atMs: 0, variant: r.next() });
  }
  return orders;
}
