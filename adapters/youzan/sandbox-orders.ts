import { z } from 'zod';
import { SandboxLine, SandboxTime, yuan } from '../../src/sandbox/platform-kit.js';
import { formatGmt8 } from '../_shared/signing.js';

/**
 * The Youzan sandbox's trades in Youzan's words (WIRE-FORMATS, Youzan; the youzan/order.v1
 * mapping's notes on youzan.trade.get): status words, order-level refund_state (0 none, 1/2
 * partial in progress/done, 11/12 full in progress/done), PII as `$<b64>$1$` ciphertext, and the
 * decoded push `msg` {full_order_info: {order_info, address_info, pay_info, buyer_info, orders}}.
 */
export const YOUZAN_STATUS = ['WAIT_BUYER_PAY', 'TRADE_PAID', 'WAIT_CONFIRM', 'WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS', 'TRADE_SUCCESS', 'TRADE_CLOSED'] as const;
export type YouzanStatus = (typeof YOUZAN_STATUS)[number];
export const YOUZAN_REFUND_STATE = [0, 1, 2, 11, 12] as const;
export type YouzanRefundState = (typeof YOUZAN_REFUND_STATE)[number];

export const YouzanAddress = z
  .object({
    receiverName: z.string().min(1),
    receiverTel: z.string().min(1),
    province: z.string().min(1),
    city: z.string(),
    district: z.string(),
    address: z.string().min(1),
    areaCode: z.string().regex(/^\d{6}$/).optional(),
  })
  .strict();
export type YouzanAddress = z.output<typeof YouzanAddress>;

const DEFAULT_ADDRESS: YouzanAddress = {
  receiverName: '$c2J4LXJlY2VpdmVyLW5hbWU=$1$',
  receiverTel: '$c2J4LXJlY2VpdmVyLXRlbA==$1$',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  address: '$c2J4LWRlbGl2ZXJ5LWFkZHJlc3M=$1$',
  areaCode: '330106',
};

const Tid = z.string().regex(/^E\d{10,}$/, 'a Youzan tid like E20260310120000011112222');

export const YouzanOrderInput = z
  .object({
    id: Tid,
    status: z.enum(YOUZAN_STATUS).default('WAIT_SELLER_SEND_GOODS'),
    lines: z.array(SandboxLine).min(1),
    postFee: z.number().int().nonnegative().default(0),
    discount: z.number().int().nonnegative().default(0),
    address: YouzanAddress.default(DEFAULT_ADDRESS),
    buyerOpenId: z.string().min(1).optional(),
    buyerMessage: z.string().optional(),
    createdAt: SandboxTime.optional(),
    paidAt: SandboxTime.optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type YouzanOrderInput = z.input<typeof YouzanOrderInput>;

export const YouzanOrderPatch = z
  .object({
    status: z.enum(YOUZAN_STATUS).optional(),
    paidAt: SandboxTime.optional(),
    /** Order-level on Youzan: a refunded line of a multi-line trade is 1 (in progress) then 2 (done). */
    refundState: z.literal(YOUZAN_REFUND_STATE).optional(),
    address: YouzanAddress.partial().optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type YouzanOrderPatch = z.input<typeof YouzanOrderPatch>;

export interface YouzanLine {
  oid: string;
  sku: string;
  itemId: string;
  skuId: string;
  title: string;
  qty: number;
  price: number;
  payment: number;
}

export interface YouzanTrade {
  tid: string;
  status: YouzanStatus;
  refundState: YouzanRefundState;
  lines: YouzanLine[];
  postFee: number;
  discount: number;
  address: YouzanAddress;
  buyerOpenId: string | undefined;
  buyerMessage: string | undefined;
  created: Date;
  paid: Date | undefined;
  modified: Date;
  /** When refund_state first became 12 (full refund done): the whole payment went back then. */
  refundedAt?: Date;
}

/** The decoded push `msg` (and youzan.trade.get's data). */
export function renderTrade(t: YouzanTrade): Record<string, unknown> {
  const goods = t.lines.reduce((a, l) => a + l.price * l.qty, 0);
  const a = t.address;
  return {
    full_order_info: {
      order_info: {
        tid: t.tid,
        status: t.status,
        type: 0,
        created: formatGmt8(t.created),
        pay_time: t.paid ? formatGmt8(t.paid) : '',
        update_time: formatGmt8(t.modified),
        refund_state: t.refundState,
        pay_type_str: 'WEIXIN_DAIXIAO',
      },
      address_info: {
        receiver_name: a.receiverName,
        receiver_tel: a.receiverTel,
        delivery_province: a.province,
        delivery_city: a.city,
        delivery_district: a.district,
        delivery_address: a.address,
        ...(a.areaCode ? { address_extra: JSON.stringify({ areaCode: a.areaCode }) } : {}),
      },
      pay_info: { total_fee: yuan(goods), post_fee: yuan(t.postFee), payment: yuan(goods + t.postFee - t.discount) },
      ...(t.buyerOpenId ? { buyer_info: { yz_open_id: t.buyerOpenId } } : {}),
      ...(t.buyerMessage ? { remark_info: { buyer_message: t.buyerMessage } } : {}),
      orders: t.lines.map((l) => ({ oid: l.oid, item_id: BigInt(l.itemId), sku_id: BigInt(l.skuId), outer_sku_id: l.sku, outer_item_id: l.sku, num: l.qty, price: yuan(l.price), payment: yuan(l.payment), title: l.title })),
    },
  };
}

export function tradeState(t: YouzanTrade) {
  return {
    tid: t.tid,
    status: t.status,
    refundState: t.refundState,
    created: t.created.toISOString(),
    paid: t.paid?.toISOString() ?? null,
    modified: t.modified.toISOString(),
    postFee: t.postFee,
    discount: t.discount,
    address: { ...t.address },
    lines: t.lines.map((l) => ({ ...l })),
  };
}
