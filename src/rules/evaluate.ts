import type { CanonicalOrder, Money, OrderLine } from '../canonical/order.js';
import type { AddressMatch } from './address-match.js';
import { REFUND_STATUS } from '../canonical/status.js';
import { DIVISION_CODE, type Carrier, type GiftRule, type RemoteDistrict, type RulesConfig } from './config.js';
import { sameDivisionName } from './names.js';

/**
 * The order rules as one pure function: everything that needs Redis, data files or the stock
 * pool is looked up beforehand and handed in, so the same inputs always give the same decision
 * (safe to re-run on replay or retry, trivial to unit-test).
 */

export const HOLD_CODE = {
  ADDRESS_UNMATCHED: 'address_unmatched',
  ORDER_FREQUENCY: 'order_frequency',
  SKU_UNKNOWN: 'sku_unknown',
} as const;
export type HoldCode = (typeof HOLD_CODE)[keyof typeof HOLD_CODE];

export interface Hold {
  /** 1 manual address review, 2 risk hold, 3 frozen + purchasing alert. */
  level: 1 | 2 | 3;
  code: HoldCode;
  reason: string;
}

export interface RulesContext {
  config: RulesConfig;
  /** From matchAddress (level 1). */
  address: AddressMatch;
  /** From RiskCounter.count (level 2); null when nothing could be counted (no phone, no handle). */
  riskCount: number | null;
  /** Whether the stock pool knows a merchant SKU (level 3). */
  knownSku: (sku: string) => boolean;
}

export interface RulesOutcome {
  holds: Hold[];
  /** Gift lines to append; a rule whose line the order already carries adds nothing. */
  giftLines: OrderLine[];
  carrier: Carrier;
  /** Extra freight for remote areas, null otherwise. */
  surcharge: Money | null;
  /** Lines printed on the waybill (one per gift the order carries). */
  waybillNotes: string[];
}

/** Deterministic, so a second evaluation recognises the line it added the first time. */
export function giftLineId(rule: Pick<GiftRule, 'id'>): string {
  return `gift:${rule.id}`;
}

/** Only the gift matrix sets `gift`; a platform's own free items are ordinary lines. */
function isGiftLine(line: OrderLine): boolean {
  return line.gift !== undefined;
}

function giftApplies(order: CanonicalOrder, rule: GiftRule): boolean {
  if (!rule.enabled) return false;
  // A main line being refunded no longer earns the gift.
  const hasMain = order.lines.some((l) => !isGiftLine(l) && l.merchantSku === rule.mainSku && l.refundStatus !== REFUND_STATUS.REFUNDED);
  const paid = order.totals.paid;
  // Thresholds are in one currency; comparing 299 CNY with 299 USD would be meaningless.
  return hasMain && paid.currency === rule.minAmount.currency && paid.minor >= rule.minAmount.minor;
}

function giftLine(order: CanonicalOrder, rule: GiftRule): OrderLine {
  const zero = { minor: 0, currency: order.currency };
  return {
    lineId: giftLineId(rule),
    platformItemId: null,
    platformSkuId: null,
    merchantSku: rule.gift.sku,
    title: rule.gift.title,
    spec: null,
    quantity: rule.gift.qty,
    unitPrice: zero,
    lineTotal: zero,
    discount: zero,
    paid: zero,
    status: null,
    refundStatus: REFUND_STATUS.NONE,
    gift: { labelPosition: rule.gift.labelPosition, waybillText: rule.gift.waybillText },
  };
}

/** A code entry covers its province ("xx0000"), prefecture ("xxxx00") or exact district. */
function codeCovers(entry: string, divisionCode: string): boolean {
  if (entry.endsWith('0000')) return divisionCode.startsWith(entry.slice(0, 2));
  if (entry.endsWith('00')) return divisionCode.startsWith(entry.slice(0, 4));
  return divisionCode === entry;
}

interface Place {
  province: string | null;
  city: string | null;
  district: string | null;
}

function nameCovers(entry: Exclude<RemoteDistrict, string>, place: Place): boolean {
  if (!place.province || !place.district) return false;
  if (!sameDivisionName(entry.province, place.province) || !sameDivisionName(entry.district, place.district)) return false;
  // A city in the entry must agree when the place has one (municipalities and province-direct units have none).
  return !entry.city || !place.city || sameDivisionName(entry.city, place.city);
}

function isRemote(order: CanonicalOrder, ctx: RulesContext): boolean {
  if (order.address.country !== 'CN') return false;
  const m = ctx.address;
  const code = m.matched ? m.divisionCode : (order.address.divisionCode ?? null);
  // Official names when the address matched; the order's own spelling when it did not.
  const place: Place = m.matched && m.divisionCode !== null ? m.names : order.address;
  return ctx.config.remoteAreas.districts.some((entry) =>
    typeof entry === 'string' ? code !== null && DIVISION_CODE.test(code) && codeCovers(entry, code) : nameCovers(entry, place),
  );
}

export function evaluateOrderRules(order: CanonicalOrder, ctx: RulesContext): RulesOutcome {
  const { config } = ctx;
  const holds: Hold[] = [];

  if (config.interception.address && !ctx.address.matched) {
    holds.push({ level: 1, code: HOLD_CODE.ADDRESS_UNMATCHED, reason: `address not matched (${ctx.address.level}): ${ctx.address.message}` });
  }

  const max = config.risk.maxOrdersPer24h;
  if (config.interception.risk && ctx.riskCount !== null && ctx.riskCount > max) {
    holds.push({
      level: 2,
      code: HOLD_CODE.ORDER_FREQUENCY,
      reason: `${ctx.riskCount} orders from one buyer within ${config.risk.windowHours} h (limit ${max})`,
    });
  }

  const applicable = config.gifts.filter((rule) => giftApplies(order, rule));
  const present = new Set(order.lines.map((l) => l.lineId));
  const giftLines = applicable.filter((rule) => !present.has(giftLineId(rule))).map((rule) => giftLine(order, rule));

  if (config.interception.unknownSku) {
    // Gift SKUs too: the warehouse cannot pick a gift the stock pool has never heard of.
    const unknown = new Set<string>();
    let missing = 0;
    for (const line of [...order.lines, ...giftLines]) {
      if (line.merchantSku === null || line.merchantSku === '') missing++;
      else if (!ctx.knownSku(line.merchantSku)) unknown.add(line.merchantSku);
    }
    if (unknown.size > 0 || missing > 0) {
      const parts = [];
      if (unknown.size > 0) parts.push(`SKU not in the stock pool: ${[...unknown].join(', ')}`);
      if (missing > 0) parts.push(`${missing} line(s) without a merchant SKU`);
      holds.push({ level: 3, code: HOLD_CODE.SKU_UNKNOWN, reason: parts.join('; ') });
    }
  }

  const remote = isRemote(order, ctx);
  return {
    holds,
    giftLines,
    carrier: remote ? config.remoteAreas.carrier : config.defaultCarrier,
    surcharge: remote ? { ...config.remoteAreas.surcharge } : null,
    waybillNotes: applicable.map((rule) => rule.gift.waybillText),
  };
}
