import type { CanonicalOrder } from '../canonical/order.js';
import { ORDER_STATUS, REFUND_STATUS } from '../canonical/status.js';
import { COMMISSION_BASE, offsetMinutes, type FinanceConfig } from './config.js';
import { applyBasisPoints } from './money.js';
import { FinanceSourceError, type FinanceOrderSource, type FinanceRange } from './source.js';

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** How an order's commission figure was obtained. */
export const COMMISSION_BASIS = {
  REPORTED: 'reported',
  /** Configured rate x base (finance.commission.<platform>): not the platform's own figure. */
  ESTIMATED: 'estimated',
  /** Neither reported nor a rate configured: 0. */
  NONE: 'none',
} as const;
export type CommissionBasis = (typeof COMMISSION_BASIS)[keyof typeof COMMISSION_BASIS];

/** Whether the seller/platform split of the discount came from the platform. */
export const FUNDING_BASIS = { REPORTED: 'reported', ASSUMED_SELLER: 'assumed_seller' } as const;
export type FundingBasis = (typeof FUNDING_BASIS)[keyof typeof FUNDING_BASIS];

export const NOTE = {
  REFUND_WITHOUT_AMOUNT: 'refund_status_without_amounts',
  /** Imported from an old system (`zhongshu import orders`): never ran through the hub's lifecycle. */
  HISTORICAL: 'historical',
} as const;

/** Import mappings are import/<name>.v<N> (src/import/config.ts): the order came from an old system's export. */
const isHistorical = (o: CanonicalOrder): boolean => o.source.mapping?.id.startsWith('import/') === true;

/** Sums in integer minor units (bigint: a month's sums never lose a fen). */
export interface Amounts {
  orders: number;
  goods: bigint;
  freight: bigint;
  sellerDiscount: bigint;
  platformDiscount: bigint;
  /** 实收: what the buyer paid plus the platform-funded discount the platform settles to the seller. */
  received: bigint;
  commission: bigint;
  /** The part of `commission` that is estimated from a configured rate. */
  commissionEstimated: bigint;
  /** Refunds paid out on this day (whatever month the order was paid in). */
  refunds: bigint;
  /** received - commission - refunds. */
  net: bigint;
}

export const AMOUNT_KEYS = ['goods', 'freight', 'sellerDiscount', 'platformDiscount', 'received', 'commission', 'commissionEstimated', 'refunds', 'net'] as const;

export function zeroAmounts(): Amounts {
  return { orders: 0, goods: 0n, freight: 0n, sellerDiscount: 0n, platformDiscount: 0n, received: 0n, commission: 0n, commissionEstimated: 0n, refunds: 0n, net: 0n };
}

function addInto(into: Amounts, a: Amounts): void {
  into.orders += a.orders;
  for (const k of AMOUNT_KEYS) into[k] += a[k];
}

/** One order's contribution to one day: its sale (on the day it was paid) and/or refunds paid out that day. */
export interface DetailRow extends Amounts {
  day: string;
  platform: string;
  shop: string;
  channel: string;
  platformOrderId: string;
  currency: string;
  paidAt: string;
  /** Empty on a refund-only row. */
  commissionBasis: CommissionBasis | '';
  discountFunding: FundingBasis | '';
  note: string;
}

export interface SummaryRow extends Amounts {
  day: string;
  platform: string;
  shop: string;
  currency: string;
}

export interface Summary {
  month: string;
  utcOffset: string;
  from: string;
  to: string;
  /** Sorted by day, platform, shop, currency. */
  rows: SummaryRow[];
  /** One per currency: money of different currencies is never added. */
  totals: Array<Amounts & { currency: string }>;
  /** Orders the source gave that had no payment time (never paid): not counted. */
  skippedUnpaid: number;
  /** Orders whose status says refunded but which carry no refund amounts: their refunds are missing from the figures. */
  refundsWithoutAmounts: number;
}

/** [first instant of the month, first instant of the next) at the accounting offset. */
export function monthRange(month: string, utcOffset: string): FinanceRange {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new FinanceSourceError(`month: expected YYYY-MM (e.g. 2026-11), got "${month}"`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const shift = offsetMinutes(utcOffset) * 60_000;
  return { from: new Date(Date.UTC(y, mo - 1, 1) - shift), to: new Date(Date.UTC(y, mo, 1) - shift) };
}

/** The calendar day of an instant at the accounting offset. */
export function localDay(iso: string, offsetMs: number): string {
  return new Date(Date.parse(iso) + offsetMs).toISOString().slice(0, 10);
}

function commissionOf(o: CanonicalOrder, cfg: FinanceConfig): { amount: bigint; basis: CommissionBasis } {
  const fees = o.finance?.fees;
  if (fees) return { amount: fees.reduce((s, f) => s + BigInt(f.amount.minor), 0n), basis: COMMISSION_BASIS.REPORTED };
  const rate = cfg.commission[o.source.platform];
  if (!rate) return { amount: 0n, basis: COMMISSION_BASIS.NONE };
  const paid = BigInt(o.totals.paid.minor);
  const base = rate.base === COMMISSION_BASE.PAID ? paid : paid - BigInt(o.totals.freight.minor);
  return { amount: applyBasisPoints(base, rate.rateBasisPoints), basis: COMMISSION_BASIS.ESTIMATED };
}

function saysRefunded(o: CanonicalOrder): boolean {
  return o.status === ORDER_STATUS.CLOSED_BY_REFUND || o.lines.some((l) => l.refundStatus === REFUND_STATUS.REFUNDED || l.refundStatus === REFUND_STATUS.PARTIALLY_REFUNDED);
}

/**
 * Streams the month's orders from the source once: each order's detail rows go to `onDetail` as
 * they are computed (awaited, so a slow writer slows the read instead of buffering), and only the
 * per platform/shop/day sums stay in memory. Sales count on the day of payment, refunds on the day
 * they were paid out (so a refund of an October order in November lowers November).
 */
export async function reconcile(source: FinanceOrderSource, opts: { month: string; config: FinanceConfig; signal?: AbortSignal | undefined }, onDetail: (row: DetailRow) => void | Promise<void>): Promise<Summary> {
  const range = monthRange(opts.month, opts.config.utcOffset);
  const offsetMs = offsetMinutes(opts.config.utcOffset) * 60_000;
  const from = range.from.getTime();
  const to = range.to.getTime();
  const within = (iso: string) => {
    const t = Date.parse(iso);
    return t >= from && t < to;
  };
  const groups = new Map<string, SummaryRow>();
  const seen = new Set<string>();
  let skippedUnpaid = 0;
  let refundsWithoutAmounts = 0;

  for await (const o of source.orders(range)) {
    // A client that went away stops the read instead of letting it run through the month.
    opts.signal?.throwIfAborted();
    const key = `${o.source.channel}:${o.source.platformOrderId}`;
    // Counting a snapshot twice doubles its money: the source must give each order once.
    if (seen.has(key)) throw new FinanceSourceError(`order ${key}: given twice by the source (each order must appear once, as its latest snapshot)`);
    seen.add(key);
    if (!o.paidAt) {
      skippedUnpaid++;
      continue;
    }
    const byDay = new Map<string, DetailRow>();
    const rowFor = (day: string): DetailRow => {
      let r = byDay.get(day);
      if (!r) {
        r = { ...zeroAmounts(), day, platform: o.source.platform, shop: o.source.shop, channel: o.source.channel, platformOrderId: o.source.platformOrderId, currency: o.currency, paidAt: o.paidAt ?? '', commissionBasis: '', discountFunding: '', note: isHistorical(o) ? NOTE.HISTORICAL : '' };
        byDay.set(day, r);
      }
      return r;
    };
    if (within(o.paidAt)) {
      const r = rowFor(localDay(o.paidAt, offsetMs));
      const funding = o.finance?.discountFunding;
      const platformDiscount = funding ? BigInt(funding.platform.minor) : 0n;
      const commission = commissionOf(o, opts.config);
      r.orders = 1;
      r.goods = BigInt(o.totals.goods.minor);
      r.freight = BigInt(o.totals.freight.minor);
      r.platformDiscount = platformDiscount;
      r.sellerDiscount = funding ? BigInt(funding.seller.minor) : BigInt(o.totals.discount.minor);
      r.received = BigInt(o.totals.paid.minor) + platformDiscount;
      r.commission = commission.amount;
      r.commissionEstimated = commission.basis === COMMISSION_BASIS.ESTIMATED ? commission.amount : 0n;
      r.commissionBasis = commission.basis;
      r.discountFunding = funding ? FUNDING_BASIS.REPORTED : FUNDING_BASIS.ASSUMED_SELLER;
      if (saysRefunded(o) && !o.lines.some((l) => l.refunds?.length)) {
        r.note = r.note ? `${r.note};${NOTE.REFUND_WITHOUT_AMOUNT}` : NOTE.REFUND_WITHOUT_AMOUNT;
        refundsWithoutAmounts++;
      }
    }
    for (const l of o.lines) {
      for (const rf of l.refunds ?? []) if (within(rf.refundedAt)) rowFor(localDay(rf.refundedAt, offsetMs)).refunds += BigInt(rf.amount.minor);
    }
    for (const r of [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day))) {
      r.net = r.received - r.commission - r.refunds;
      const gk = `${r.day}\u0000${r.platform}\u0000${r.shop}\u0000${r.currency}`;
      let g = groups.get(gk);
      if (!g) {
        g = { ...zeroAmounts(), day: r.day, platform: r.platform, shop: r.shop, currency: r.currency };
        groups.set(gk, g);
      }
      addInto(g, r);
      await onDetail(r);
    }
  }

  const rows = [...groups.values()].sort((a, b) => a.day.localeCompare(b.day) || a.platform.localeCompare(b.platform) || a.shop.localeCompare(b.shop) || a.currency.localeCompare(b.currency));
  const totals = new Map<string, Amounts & { currency: string }>();
  for (const r of rows) {
    let t = totals.get(r.currency);
    if (!t) {
      t = { ...zeroAmounts(), currency: r.currency };
      totals.set(r.currency, t);
    }
    addInto(t, r);
  }
  return {
    month: opts.month,
    utcOffset: opts.config.utcOffset,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    rows,
    totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    skippedUnpaid,
    refundsWithoutAmounts,
  };
}
