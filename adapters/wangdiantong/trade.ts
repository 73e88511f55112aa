import { z } from 'zod';
import { ORDER_STATUS, PLATFORM, type OrderStatus } from '../../src/canonical/status.js';
import type { CanonicalOrder, Money, OrderLine, Pii } from '../../src/canonical/order.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { gmt8DateTime, wdtDecimal, ZERO_4 } from './format.js';
import { ADAPTER_ID } from './transport.js';

/**
 * Canonical order -> WDT trade, shared by push and intercept (an intercept is a re-push of the
 * same tid with refunded/closed status: WDT updates a trade by tid, never duplicates it).
 *
 * Status codes (both editions): trade_status 10 unconfirmed/unpaid, 20 awaiting balance, 30 paid
 * to ship, 40 part shipped, 50 shipped, 70 completed, 80 refunded, 90 closed before payment.
 * Line refund_status: 0 none, 5 refund succeeded, 6 closed unpaid. Trade refund_status
 * (ultimate, and the newer enterprise doc): 0 none, 3 fully refunded.
 */
export const TRADE_STATUS = { UNPAID: 10, PAID: 30, PART_SHIPPED: 40, SHIPPED: 50, COMPLETED: 70, REFUNDED: 80, CLOSED: 90 } as const;

const FROM_CANONICAL: Readonly<Record<OrderStatus, number>> = {
  [ORDER_STATUS.AWAITING_PAYMENT]: TRADE_STATUS.UNPAID,
  [ORDER_STATUS.PAID]: TRADE_STATUS.PAID,
  [ORDER_STATUS.PAID_ON_HOLD]: TRADE_STATUS.PAID,
  [ORDER_STATUS.PARTIALLY_SHIPPED]: TRADE_STATUS.PART_SHIPPED,
  [ORDER_STATUS.SHIPPED]: TRADE_STATUS.SHIPPED,
  [ORDER_STATUS.DELIVERED]: TRADE_STATUS.SHIPPED,
  [ORDER_STATUS.COMPLETED]: TRADE_STATUS.COMPLETED,
  [ORDER_STATUS.CANCELLED]: TRADE_STATUS.CLOSED,
  [ORDER_STATUS.CLOSED_BY_REFUND]: TRADE_STATUS.REFUNDED,
};

/**
 * The waybill of an order that ships on its platform's own e-waybill (a Douyin order on 抖音电子面单):
 * issued by the platform with the receiver's ciphertext and printed by the platform's print
 * component, so the WMS never needs plaintext for it. The only case a trade may carry a
 * non-plaintext receiver.
 */
export const PlatformWaybill = z
  .object({
    /** The platform that issued it: must be the order's own (only it can decrypt the order's ciphertext). */
    platform: z.enum(Object.values(PLATFORM)),
    waybillNo: z.string().min(1),
    /** The hub courier id of the logistics company (SF, ZTO...). */
    carrier: z.string().min(1),
  })
  .strict();
export type PlatformWaybill = z.output<typeof PlatformWaybill>;

export type TradeIntent = { kind: 'push'; platformWaybill?: PlatformWaybill | undefined } | { kind: 'intercept'; reason: string };

const REMARK_MAX = 1024;
const LINE_REMARK_MAX = 255;

function cut(s: string, max: number): string {
  const cps = [...s];
  return cps.length <= max ? s : cps.slice(0, max).join('');
}

function plaintext(p: Pii | null | undefined, field: string, tid: string): string {
  // The WMS prints the label, so it needs the real value; a masked or encrypted one would ship to
  // nobody. Self-pushed trades (自有平台) are the only ones trade_push accepts, and those carry plaintext.
  if (p?.plaintext) return p.plaintext;
  throw AdapterError.rejected(ADAPTER_ID, 'recipient_not_plaintext', `order ${tid}: ${field} is not available in plaintext; the WMS cannot ship to a masked or encrypted ${field}`);
}

/** The value as the platform sent it (plaintext, else its ciphertext, else its mask): never decrypted, never derived. */
function asSent(p: Pii | null | undefined, field: string, tid: string): string {
  const v = p?.plaintext ?? p?.ciphertext ?? p?.masked;
  if (v) return v;
  throw AdapterError.rejected(ADAPTER_ID, 'recipient_missing', `order ${tid}: ${field} is empty`);
}

/**
 * How a receiver field goes into the trade. A push needs plaintext (the WMS prints the label),
 * unless the order ships on its platform's own e-waybill: then the platform prints it from the
 * ciphertext and the trade carries the field as the platform sent it. An intercept ships nothing
 * (it re-pushes the same tid as refunded), so it repeats the receiver as sent.
 */
function receiverField(order: CanonicalOrder, intent: TradeIntent, p: Pii | null | undefined, field: string): string {
  const tid = order.source.platformOrderId;
  if (intent.kind === 'intercept' || platformWaybillOf(order, intent)) return asSent(p, field, tid);
  return plaintext(p, field, tid);
}

/** The platform waybill of a push, checked against the order: another platform's waybill cannot print this order's ciphertext. */
export function platformWaybillOf(order: CanonicalOrder, intent: TradeIntent): PlatformWaybill | null {
  if (intent.kind !== 'push' || !intent.platformWaybill) return null;
  const w = intent.platformWaybill;
  if (w.platform !== order.source.platform) {
    throw AdapterError.rejected(ADAPTER_ID, 'platform_waybill_mismatch', `order ${order.source.platformOrderId}: platformWaybill.platform is ${w.platform} but the order is from ${order.source.platform}; only the order's own platform can print its ciphertext`);
  }
  return w;
}

function sum(ms: readonly Money[], currency: string): Money {
  let minor = 0;
  for (const m of ms) minor += m.minor;
  if (!Number.isSafeInteger(minor)) throw new RangeError('amount overflow');
  return { minor, currency };
}

function neg(m: Money): Money {
  return { minor: -m.minor, currency: m.currency };
}

/** "Gift: <title> x<qty> (label: <position>)": the line the warehouse prints on the waybill. */
export function giftText(line: OrderLine): string {
  const pos = line.gift?.labelPosition;
  return `Gift: ${line.title} x${line.quantity}${pos ? ` (label: ${pos})` : ''}`;
}

/** The trade remark the WMS prints: gifts first (so a long memo never truncates them), then the seller memo. */
export function tradeRemark(order: CanonicalOrder, intent: TradeIntent): string {
  const parts = order.lines.filter((l) => l.gift).map(giftText);
  if (order.sellerMemo) parts.push(order.sellerMemo);
  if (intent.kind === 'intercept') parts.unshift(`INTERCEPT: ${intent.reason}`);
  return cut(parts.join('; '), REMARK_MAX);
}

function specNo(line: OrderLine, tid: string): string {
  if (line.merchantSku) return line.merchantSku;
  throw AdapterError.rejected(ADAPTER_ID, 'no_merchant_sku', `order ${tid} line ${line.lineId}: no merchant SKU, the WMS matches goods by spec_no`);
}

/**
 * The platform waybill on the trade: `logistics_no` = the number the platform issued, so the
 * warehouse prints that one through the platform's print component instead of requesting its own.
 * UNVERIFIED: `logistics_no` is a field of Wangdiantong's trades (wdt.trade.query filters by it)
 * but no public source shows trade_push / RawTrade.pushSelf accepting it, nor any flag Wangdiantong
 * has for a platform-encrypted receiver (docs/adapters/douyin-ewaybill.md); none is sent.
 */
function platformWaybillFields(order: CanonicalOrder, intent: TradeIntent): Record<string, string> {
  const w = platformWaybillOf(order, intent);
  return w ? { logistics_no: w.waybillNo } : {};
}

interface Common {
  tid: string;
  tradeStatus: number;
  lineStatus: number;
  lineRefund: number;
  tradeRefund: number;
  payStatus: number;
  remark: string;
  receiverName: string;
  receiverMobile: string;
  receiverAddress: string;
  buyerNick: string;
  tradeTime: string;
  payTime: string;
  deliveryTerm: number;
  cod: Money;
  receivable: Money;
}

function common(order: CanonicalOrder, intent: TradeIntent): Common {
  const tid = order.source.platformOrderId;
  const paid = order.status !== ORDER_STATUS.AWAITING_PAYMENT && order.status !== ORDER_STATUS.CANCELLED;
  const base = FROM_CANONICAL[order.status];
  const tradeStatus = intent.kind === 'intercept' ? (paid ? TRADE_STATUS.REFUNDED : TRADE_STATUS.CLOSED) : base;
  const street = order.address.street ?? '';
  const detail = receiverField(order, intent, order.address.detail, 'address detail');
  const receivable = sum([order.totals.goods, order.totals.freight, neg(order.totals.discount)], order.currency);
  const isCod = order.orderType === 'cod';
  return {
    tid,
    tradeStatus,
    lineStatus: tradeStatus,
    lineRefund: intent.kind === 'intercept' ? (paid ? 5 : 6) : 0,
    tradeRefund: intent.kind === 'intercept' && paid ? 3 : 0,
    payStatus: paid ? 2 : 0,
    remark: tradeRemark(order, intent),
    receiverName: receiverField(order, intent, order.recipient.name, 'recipient name'),
    receiverMobile: receiverField(order, intent, order.recipient.phone, 'recipient phone'),
    receiverAddress: street && !detail.startsWith(street) ? `${street}${detail}` : detail,
    // buyer_nick dedupes customers in the WMS: a masked nick would merge strangers, so the opaque handle comes first.
    buyerNick: order.buyer?.nick?.plaintext ?? order.buyer?.handle ?? tid,
    tradeTime: gmt8DateTime(order.createdAt),
    payTime: order.paidAt ? gmt8DateTime(order.paidAt) : '0000-00-00 00:00:00',
    deliveryTerm: isCod ? 2 : 1,
    cod: isCod ? receivable : { minor: 0, currency: order.currency },
    receivable,
  };
}

function lineTotal(l: OrderLine): Money {
  return sum([l.lineTotal, neg(l.discount)], l.lineTotal.currency);
}

/** Enterprise `trade_push.php`: one element of `trade_list`, lines nested in `order_list`. */
export function enterpriseTrade(order: CanonicalOrder, intent: TradeIntent): Record<string, unknown> {
  const c = common(order, intent);
  return {
    tid: c.tid,
    trade_status: c.tradeStatus,
    pay_status: c.payStatus,
    refund_status: c.tradeRefund,
    delivery_term: c.deliveryTerm,
    trade_time: c.tradeTime,
    pay_time: c.payTime,
    buyer_nick: c.buyerNick,
    buyer_email: '',
    buyer_message: order.buyerMessage ?? '',
    receiver_name: c.receiverName,
    receiver_province: order.address.province ?? '',
    receiver_city: order.address.city ?? order.address.district ?? '',
    receiver_district: order.address.district ?? '',
    receiver_address: c.receiverAddress,
    receiver_mobile: c.receiverMobile,
    receiver_telno: '',
    receiver_zip: order.address.postalCode ?? '',
    invoice_kind: 0,
    invoice_title: '',
    invoice_content: '',
    remark: c.remark,
    remark_flag: order.sellerFlag ?? 0,
    ...platformWaybillFields(order, intent),
    post_amount: wdtDecimal(order.totals.freight),
    cod_amount: wdtDecimal(c.cod),
    ext_cod_fee: ZERO_4,
    other_amount: ZERO_4,
    paid: wdtDecimal(order.totals.paid),
    order_list: order.lines.map((l) => ({
      oid: l.lineId,
      status: c.lineStatus,
      refund_status: c.lineRefund,
      goods_id: l.platformItemId ?? specNo(l, c.tid),
      spec_id: l.platformSkuId ?? '',
      goods_no: '',
      spec_no: specNo(l, c.tid),
      goods_name: l.title,
      spec_name: l.spec ?? '',
      num: l.quantity,
      price: wdtDecimal(l.unitPrice),
      adjust_amount: ZERO_4,
      // The canonical discount already includes order-level allocation; WDT has no place to tell the two apart.
      discount: wdtDecimal(l.discount),
      share_discount: ZERO_4,
      remark: l.gift ? cut(giftText(l), LINE_REMARK_MAX) : '',
      cid: '',
    })),
  };
}

/** Ultimate `sales.RawTrade.pushSelf`: positional args [shop_no, rawTradeList, rawTradeOrderList]. */
export function ultimateArgs(order: CanonicalOrder, intent: TradeIntent, shopNo: string): [string, Record<string, unknown>[], Record<string, unknown>[]] {
  const c = common(order, intent);
  const area = [order.address.province, order.address.city ?? order.address.district, order.address.district].filter((x) => x).join(' ');
  const goodsCount = order.lines.reduce((n, l) => n + l.quantity, 0);
  const trade = {
    tid: c.tid,
    process_status: 10,
    trade_status: c.tradeStatus,
    refund_status: c.tradeRefund,
    pay_status: c.payStatus,
    order_count: order.lines.length,
    goods_count: `${goodsCount}.0000`,
    pay_method: 1,
    trade_time: c.tradeTime,
    pay_time: c.payTime,
    end_time: null,
    buyer_nick: c.buyerNick,
    buyer_message: order.buyerMessage ?? '',
    buyer_email: '',
    buyer_area: '',
    receiver_name: c.receiverName,
    receiver_area: area,
    receiver_address: c.receiverAddress,
    receiver_zip: order.address.postalCode ?? '',
    receiver_mobile: c.receiverMobile,
    receiver_telno: '',
    post_amount: wdtDecimal(order.totals.freight),
    other_amount: ZERO_4,
    discount: wdtDecimal(order.totals.discount),
    receivable: wdtDecimal(c.receivable),
    platform_cost: ZERO_4,
    paid: wdtDecimal(order.totals.paid),
    invoice_type: 0,
    invoice_title: '',
    invoice_content: '',
    logistics_type: -1,
    delivery_term: c.deliveryTerm,
    cod_amount: wdtDecimal(c.cod),
    pay_id: '',
    remark: c.remark,
    remark_flag: order.sellerFlag ?? 0,
    ...platformWaybillFields(order, intent),
    is_auto_wms: false,
    warehouse_no: '',
  };
  const orders = order.lines.map((l) => ({
    tid: c.tid,
    oid: l.lineId,
    order_type: 0,
    status: c.lineStatus,
    refund_status: c.lineRefund,
    goods_id: l.platformItemId ?? specNo(l, c.tid),
    spec_id: l.platformSkuId ?? specNo(l, c.tid),
    goods_no: '',
    spec_no: specNo(l, c.tid),
    goods_name: l.title,
    spec_name: l.spec ?? '',
    num: `${l.quantity}.0000`,
    price: wdtDecimal(l.unitPrice),
    adjust_amount: ZERO_4,
    discount: wdtDecimal(l.discount),
    share_discount: ZERO_4,
    total_amount: wdtDecimal(lineTotal(l)),
    refund_amount: c.lineRefund === 5 ? wdtDecimal(l.paid ?? lineTotal(l)) : ZERO_4,
    cid: '',
    remark: l.gift ? cut(giftText(l), LINE_REMARK_MAX) : '',
    json: '',
    // 1 = automatic gift (the hub's gift matrix), 0 = not a gift.
    gift_type: l.gift ? 1 : 0,
  }));
  return [shopNo, [trade], orders];
}
