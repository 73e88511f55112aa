import { z } from 'zod';
import { SandboxLine, SandboxTime, yuan } from '../../src/sandbox/platform-kit.js';
import { formatGmt8 } from '../_shared/signing.js';

/**
 * The Pinduoduo sandbox's orders in PDD's own words (WIRE-FORMATS, Pinduoduo section): PDD shows
 * only paid orders, order_status 1 to ship / 2 shipped / 3 received, refunds per order
 * (refund_status 1 none, 2 after-sales, 3 refunding, 4 refunded), receiver as ciphertext while
 * the order awaits shipment (empty afterwards) plus *_mask, `town` = district.
 */
export const PDD_ORDER_STATUS = { TO_SHIP: 1, SHIPPED: 2, RECEIVED: 3 } as const;
export type PddOrderStatus = (typeof PDD_ORDER_STATUS)[keyof typeof PDD_ORDER_STATUS];
export const PDD_REFUND_STATUS = { NONE: 1, AFTER_SALES: 2, REFUNDING: 3, REFUNDED: 4 } as const;
export type PddRefundStatus = (typeof PDD_REFUND_STATUS)[keyof typeof PDD_REFUND_STATUS];

export const PddReceiver = z
  .object({
    name: z.string().min(1).describe('ciphertext ~...~0~'),
    nameMask: z.string().min(1),
    phone: z.string().min(1),
    phoneMask: z.string().min(1),
    address: z.string().min(1).describe('ciphertext of the detail (no province/city/district)'),
    addressMask: z.string().min(1),
    province: z.string().min(1),
    city: z.string(),
    town: z.string().describe('the district / county'),
  })
  .strict();
export type PddReceiver = z.output<typeof PddReceiver>;

const DEFAULT_RECEIVER: PddReceiver = {
  name: '~AgAAAAFxSbxName01~0~',
  nameMask: '张*',
  phone: '~AgAAAAFxSbxPhone01~0~',
  phoneMask: '138****0000',
  address: '~AgAAAAFxSbxAddr01~0~',
  addressMask: '东吴北路**号',
  province: '江苏省',
  city: '苏州市',
  town: '吴中区',
};

const OrderSn = z.string().regex(/^\d{6}-\d{6,}$/, 'an order_sn like 260618-452750051000001');

export const PddOrderInput = z
  .object({
    id: OrderSn,
    status: z.literal(Object.values(PDD_ORDER_STATUS)).default(PDD_ORDER_STATUS.TO_SHIP),
    refundStatus: z.literal(Object.values(PDD_REFUND_STATUS)).default(PDD_REFUND_STATUS.NONE),
    lines: z.array(SandboxLine).min(1),
    postage: z.number().int().nonnegative().default(0),
    /** Platform plus seller discount, fen. */
    discount: z.number().int().nonnegative().default(0),
    receiver: PddReceiver.default(DEFAULT_RECEIVER),
    buyerMemo: z.string().optional(),
    remark: z.string().optional(),
    createdAt: SandboxTime.optional(),
    paidAt: SandboxTime.optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type PddOrderInput = z.input<typeof PddOrderInput>;

/** Refunds are per order on PDD: "refund a line" sets the order's refund_status; 4 closes it. */
export const PddOrderPatch = z
  .object({
    status: z.literal(Object.values(PDD_ORDER_STATUS)).optional(),
    refundStatus: z.literal(Object.values(PDD_REFUND_STATUS)).optional(),
    receiver: PddReceiver.partial().optional(),
    remark: z.string().optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type PddOrderPatch = z.input<typeof PddOrderPatch>;

export interface PddLine {
  sku: string;
  goodsId: string;
  skuId: string;
  title: string;
  qty: number;
  price: number;
}

export interface PddOrder {
  sn: string;
  status: PddOrderStatus;
  refundStatus: PddRefundStatus;
  lines: PddLine[];
  postage: number;
  discount: number;
  receiver: PddReceiver;
  buyerMemo: string | undefined;
  remark: string | undefined;
  created: Date;
  paid: Date;
  modified: Date;
  trackingNumber: string | undefined;
  logisticsId: string | undefined;
  shipped: Date | undefined;
  /** When refund_status first became 4 (refunded): the platform paid the order back then. */
  refundedAt: Date | undefined;
}

/** order_info as pdd.order.information.get sends it. */
export function renderOrder(o: PddOrder): Record<string, unknown> {
  const goods = o.lines.reduce((a, l) => a + l.price * l.qty, 0);
  const r = o.receiver;
  // Ciphertext only while the order awaits shipment; PDD sends empty strings afterwards.
  const cipher = o.status === PDD_ORDER_STATUS.TO_SHIP;
  return {
    order_sn: o.sn,
    order_status: o.status,
    refund_status: o.refundStatus,
    after_sales_status: o.refundStatus === PDD_REFUND_STATUS.NONE ? 0 : o.refundStatus === PDD_REFUND_STATUS.REFUNDED ? 10 : 2,
    trade_type: 0,
    created_time: formatGmt8(o.created),
    confirm_time: formatGmt8(o.paid),
    pay_time: formatGmt8(o.paid),
    updated_at: formatGmt8(o.modified),
    ...(o.shipped ? { shipping_time: formatGmt8(o.shipped), tracking_number: o.trackingNumber, logistics_id: Number(o.logisticsId) } : {}),
    goods_amount: yuan(goods),
    discount_amount: yuan(o.discount),
    postage: yuan(o.postage),
    pay_amount: yuan(goods + o.postage - o.discount),
    province: r.province,
    city: r.city,
    town: r.town,
    receiver_name: cipher ? r.name : '',
    receiver_name_mask: r.nameMask,
    receiver_phone: cipher ? r.phone : '',
    receiver_phone_mask: r.phoneMask,
    receiver_address: cipher ? r.address : '',
    receiver_address_mask: r.addressMask,
    ...(o.buyerMemo ? { buyer_memo: o.buyerMemo } : {}),
    ...(o.remark ? { remark: o.remark } : {}),
    item_list: o.lines.map((l) => ({ goods_id: BigInt(l.goodsId), sku_id: BigInt(l.skuId), outer_goods_id: l.sku, outer_id: l.sku, goods_name: l.title, goods_spec: '', goods_price: yuan(l.price), goods_count: l.qty })),
  };
}

export function orderState(o: PddOrder) {
  return {
    orderSn: o.sn,
    status: o.status,
    refundStatus: o.refundStatus,
    created: o.created.toISOString(),
    paid: o.paid.toISOString(),
    modified: o.modified.toISOString(),
    shipped: o.shipped?.toISOString() ?? null,
    trackingNumber: o.trackingNumber ?? null,
    postage: o.postage,
    discount: o.discount,
    receiver: { ...o.receiver },
    lines: o.lines.map((l) => ({ ...l })),
  };
}
