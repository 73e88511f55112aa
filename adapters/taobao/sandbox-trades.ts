import { z } from 'zod';
import { SandboxLine, SandboxTime, yuan } from '../../src/sandbox/platform-kit.js';
import { formatGmt8 } from '../_shared/signing.js';

/**
 * The Taobao sandbox's trades: what placeOrder/updateOrder take (TOP's own status words) and how
 * a trade is rendered the way taobao.trade.fullinfo.get sends it (WIRE-FORMATS, Taobao section):
 * yuan strings, GMT+8 times, tid/oid as bare int64 literals plus tid_str/oid_str.
 */

export const TOP_TRADE_STATUS = [
  'TRADE_NO_CREATE_PAY', 'WAIT_BUYER_PAY', 'WAIT_SELLER_SEND_GOODS', 'SELLER_CONSIGNED_PART', 'WAIT_BUYER_CONFIRM_GOODS',
  'TRADE_BUYER_SIGNED', 'TRADE_FINISHED', 'TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO', 'PAY_PENDING', 'WAIT_PRE_AUTH_CONFIRM', 'PAID_FORBID_CONSIGN',
] as const;
export type TopTradeStatus = (typeof TOP_TRADE_STATUS)[number];
export const TOP_STATUS = Object.fromEntries(TOP_TRADE_STATUS.map((s) => [s, s])) as { readonly [K in TopTradeStatus]: K };

export const TOP_REFUND_STATUS = ['NO_REFUND', 'WAIT_SELLER_AGREE', 'WAIT_BUYER_RETURN_GOODS', 'WAIT_SELLER_CONFIRM_GOODS', 'SELLER_REFUSE_BUYER', 'CLOSED', 'SUCCESS'] as const;
export type TopRefundStatus = (typeof TOP_REFUND_STATUS)[number];

/** Statuses offline.send accepts: paid and not (fully) shipped. */
export const SHIPPABLE: ReadonlySet<TopTradeStatus> = new Set([TOP_STATUS.WAIT_SELLER_SEND_GOODS, TOP_STATUS.SELLER_CONSIGNED_PART]);
/** Statuses in which the trade has been paid (pay_time is sent). */
const UNPAID: ReadonlySet<TopTradeStatus> = new Set([TOP_STATUS.TRADE_NO_CREATE_PAY, TOP_STATUS.WAIT_BUYER_PAY, TOP_STATUS.PAY_PENDING, TOP_STATUS.WAIT_PRE_AUTH_CONFIRM, TOP_STATUS.TRADE_CLOSED_BY_TAOBAO]);

const Digits = z.string().regex(/^\d{1,19}$/, 'digits (a TOP int64 id, as a string)');

/** The receiver as TOP sends it to an ISV: masked name and phone, region names, street, detail. */
export const TopReceiver = z
  .object({
    name: z.string().min(1),
    mobile: z.string().optional(),
    phone: z.string().optional(),
    state: z.string().min(1),
    city: z.string(),
    district: z.string(),
    town: z.string().optional(),
    address: z.string().min(1),
    zip: z.string().optional(),
  })
  .strict();
export type TopReceiver = z.output<typeof TopReceiver>;

const DEFAULT_RECEIVER: TopReceiver = { name: '张*', mobile: '138****0000', state: '浙江省', city: '杭州市', district: '西湖区', town: '文新街道', address: '浙江省杭州市西湖区文新街道文一西路1**号', zip: '310012' };

export const TaobaoOrderInput = z
  .object({
    id: Digits,
    status: z.enum(TOP_TRADE_STATUS).default(TOP_STATUS.WAIT_SELLER_SEND_GOODS),
    type: z.string().min(1).default('fixed'),
    lines: z.array(SandboxLine).min(1),
    /** Freight and the order-level discount, minor units. */
    postFee: z.number().int().nonnegative().default(0),
    discount: z.number().int().nonnegative().default(0),
    receiver: TopReceiver.default(DEFAULT_RECEIVER),
    oaid: z.string().min(1).optional(),
    buyerMessage: z.string().optional(),
    sellerMemo: z.string().optional(),
    sellerFlag: z.number().int().min(0).max(5).optional(),
    createdAt: SandboxTime.optional(),
    paidAt: SandboxTime.optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type TaobaoOrderInput = z.input<typeof TaobaoOrderInput>;

/** One change to a trade. Pay / hold / cancel are status words; a refund names the line by SKU or oid. */
export const TaobaoOrderPatch = z
  .object({
    status: z.enum(TOP_TRADE_STATUS).optional(),
    paidAt: SandboxTime.optional(),
    refund: z
      .object({ sku: z.string().min(1).optional(), lineId: Digits.optional(), status: z.enum(TOP_REFUND_STATUS) })
      .strict()
      .refine((r) => r.sku !== undefined || r.lineId !== undefined, { message: 'sku or lineId is required', path: ['sku'] })
      .optional(),
    receiver: TopReceiver.partial().optional(),
    sellerMemo: z.string().optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type TaobaoOrderPatch = z.input<typeof TaobaoOrderPatch>;

export interface TopLine {
  oid: string;
  sku: string;
  numIid: string;
  skuId: string;
  title: string;
  qty: number;
  price: number;
  /** The line's share after the order discount, minor units. */
  divide: number;
  refundStatus: TopRefundStatus;
  shipped: boolean;
}

export interface TopTrade {
  tid: string;
  status: TopTradeStatus;
  type: string;
  lines: TopLine[];
  postFee: number;
  discount: number;
  receiver: TopReceiver;
  oaid: string | undefined;
  buyerMessage: string | undefined;
  sellerMemo: string | undefined;
  sellerFlag: number | undefined;
  created: Date;
  paid: Date | undefined;
  modified: Date;
  consigned: Date | undefined;
  /** What the list APIs' index holds: each write's modified time and when the index shows it. */
  index: { modified: Date; visibleAt: Date }[];
}

/** Records a write for the list index, which shows it `lagMs` after it happened (TOP's index lags its writes). */
export function indexWrite(t: TopTrade, now: Date, lagMs: number): void {
  t.index.push({ modified: t.modified, visibleAt: new Date(now.getTime() + lagMs) });
}

/** The modified time the list APIs see now: the newest indexed write, or none before the first is indexed. */
export function indexedModified(t: TopTrade, now: Date): Date | null {
  let seen: Date | null = null;
  for (const e of t.index) if (e.visibleAt.getTime() <= now.getTime()) seen = e.modified;
  return seen;
}

/** The order discount spread over lines by line total; the remainder goes to the last line. */
export function divideDiscount(totals: readonly number[], discount: number): number[] {
  const sum = totals.reduce((a, b) => a + b, 0);
  if (sum === 0) return totals.map(() => 0);
  const shares = totals.map((t) => Math.floor((discount * t) / sum));
  const rest = discount - shares.reduce((a, b) => a + b, 0);
  if (shares.length) shares[shares.length - 1] = (shares[shares.length - 1] ?? 0) + rest;
  return totals.map((t, i) => t - (shares[i] ?? 0));
}

/** A line's own status: refunded lines are closed, shipped lines wait for the buyer, the rest follow the trade. */
export function lineStatus(t: TopTrade, l: TopLine): TopTradeStatus {
  if (l.refundStatus === 'SUCCESS') return TOP_STATUS.TRADE_CLOSED;
  if (t.status === TOP_STATUS.SELLER_CONSIGNED_PART) return l.shipped ? TOP_STATUS.WAIT_BUYER_CONFIRM_GOODS : TOP_STATUS.WAIT_SELLER_SEND_GOODS;
  return t.status;
}

export function isPaidStatus(s: TopTradeStatus): boolean {
  return !UNPAID.has(s);
}

export function isPaid(t: TopTrade): boolean {
  return isPaidStatus(t.status);
}

/** The trade as fullinfo.get renders it, restricted to `fields` (TOP returns only what was asked). */
export function renderTrade(t: TopTrade, fields: ReadonlySet<string> | null): Record<string, unknown> {
  const goods = t.lines.reduce((a, l) => a + l.price * l.qty, 0);
  const r = t.receiver;
  const full: Record<string, unknown> = {
    tid: BigInt(t.tid),
    tid_str: t.tid,
    status: t.status,
    type: t.type,
    created: formatGmt8(t.created),
    ...(t.paid && isPaid(t) ? { pay_time: formatGmt8(t.paid) } : {}),
    modified: formatGmt8(t.modified),
    ...(t.consigned ? { consign_time: formatGmt8(t.consigned) } : {}),
    payment: yuan(goods + t.postFee - t.discount),
    total_fee: yuan(goods),
    post_fee: yuan(t.postFee),
    discount_fee: yuan(t.discount),
    adjust_fee: '0.00',
    ...(t.buyerMessage ? { buyer_message: t.buyerMessage } : {}),
    ...(t.sellerMemo ? { seller_memo: t.sellerMemo } : {}),
    ...(t.sellerFlag !== undefined ? { seller_flag: t.sellerFlag } : {}),
    receiver_name: r.name,
    receiver_mobile: r.mobile ?? '',
    receiver_phone: r.phone ?? '',
    receiver_state: r.state,
    receiver_city: r.city,
    receiver_district: r.district,
    ...(r.town ? { receiver_town: r.town } : {}),
    receiver_address: r.address,
    ...(r.zip ? { receiver_zip: r.zip } : {}),
    ...(t.oaid ? { oaid: t.oaid } : {}),
    shipping_type: 'express',
    orders: {
      order: t.lines.map((l) => ({
        oid: BigInt(l.oid),
        oid_str: l.oid,
        num_iid: Number(l.numIid),
        sku_id: l.skuId,
        outer_iid: l.sku,
        outer_sku_id: l.sku,
        title: l.title,
        num: l.qty,
        price: yuan(l.price),
        total_fee: yuan(l.price * l.qty),
        payment: yuan(l.price * l.qty),
        divide_order_fee: yuan(l.divide),
        status: lineStatus(t, l),
        refund_status: l.refundStatus,
      })),
    },
  };
  if (!fields) return full;
  return Object.fromEntries(Object.entries(full).filter(([k]) => fields.has(k)));
}

/** Plain JSON for state(): ids as strings, times ISO, money in minor units. */
export function tradeState(t: TopTrade) {
  return {
    tid: t.tid,
    status: t.status,
    type: t.type,
    created: t.created.toISOString(),
    paid: t.paid?.toISOString() ?? null,
    modified: t.modified.toISOString(),
    consigned: t.consigned?.toISOString() ?? null,
    postFee: t.postFee,
    discount: t.discount,
    receiver: { ...t.receiver },
    lines: t.lines.map((l) => ({ oid: l.oid, sku: l.sku, numIid: l.numIid, skuId: l.skuId, qty: l.qty, price: l.price, divide: l.divide, status: lineStatus(t, l), refundStatus: l.refundStatus, shipped: l.shipped })),
  };
}
