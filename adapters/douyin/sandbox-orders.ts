import { z } from 'zod';
import { SandboxLine, SandboxTime } from '../../src/sandbox/platform-kit.js';

/**
 * The Douyin sandbox's shop orders: placeOrder/updateOrder input in Douyin's own words
 * (order_status codes, after-sale status codes, ciphertext plus masked receiver) and the
 * order.orderDetail rendering (WIRE-FORMATS, Douyin section): fen, epoch seconds, string ids.
 */

/** order_status: 1 unpaid, 105 paid (awaiting confirmation), 2 to ship, 101 partly shipped, 3 shipped, 4 cancelled/closed, 5 completed. */
export const DOUYIN_ORDER_STATUS = { UNPAID: 1, PAID: 105, TO_SHIP: 2, PARTLY_SHIPPED: 101, SHIPPED: 3, CLOSED: 4, COMPLETED: 5 } as const;
export type DouyinOrderStatus = (typeof DOUYIN_ORDER_STATUS)[keyof typeof DOUYIN_ORDER_STATUS];
const ORDER_STATUS_VALUES = Object.values(DOUYIN_ORDER_STATUS);

/**
 * After-sale status of a sku order (afterSale.List `aftersale_status`): 6 awaiting the seller,
 * 7 awaiting the buyer's return, 11 awaiting second approval, 12 succeeded (refunded), 27/29
 * refused, 28 closed. 0: none.
 */
export const AFTER_SALE = { NONE: 0, AWAIT_SELLER: 6, AWAIT_RETURN: 7, AWAIT_SECOND: 11, SUCCEEDED: 12, REFUSED: 27, CLOSED: 28, REFUSED_AGAIN: 29 } as const;
export type AfterSaleStatus = (typeof AFTER_SALE)[keyof typeof AFTER_SALE];
const AFTER_SALE_VALUES = Object.values(AFTER_SALE);
/** A refund the buyer is still waiting on: logisticsAdd refuses with 60040 unless told to reject it. */
export const PENDING_AFTER_SALE: ReadonlySet<number> = new Set([AFTER_SALE.AWAIT_SELLER, AFTER_SALE.AWAIT_RETURN, AFTER_SALE.AWAIT_SECOND]);

const Region = z.object({ id: z.string(), name: z.string() }).strict();

/** The receiver as Douyin sends it to an ISV: ciphertext (##...#1## / $$...$1$$) plus masks. */
export const DouyinReceiver = z
  .object({
    encryptName: z.string().min(1),
    maskName: z.string().min(1),
    encryptTel: z.string().min(1),
    maskTel: z.string().min(1),
    province: Region,
    city: Region,
    /** Douyin's `town` is the district/county. */
    town: Region,
    street: Region,
    detail: z.string().min(1).describe('the masked detail'),
    encryptDetail: z.string().min(1),
  })
  .strict();
export type DouyinReceiver = z.output<typeof DouyinReceiver>;

const DEFAULT_RECEIVER: DouyinReceiver = {
  encryptName: '##SbxName01==#1##',
  maskName: '李*',
  encryptTel: '$$SbxTel01==$1$$',
  maskTel: '159****1111',
  province: { id: '41', name: '河南省' },
  city: { id: '', name: '' },
  town: { id: '419001', name: '济源市' },
  street: { id: '419001001', name: '沁园街道' },
  detail: '沁园路**号',
  encryptDetail: '##SbxDetail01==#1##',
};

const Digits = z.string().regex(/^\d{1,19}$/, 'digits (a Douyin order id, as a string)');

export const DouyinOrderInput = z
  .object({
    id: Digits,
    status: z.literal(ORDER_STATUS_VALUES).default(DOUYIN_ORDER_STATUS.TO_SHIP),
    lines: z.array(SandboxLine).min(1),
    /** Freight and all promotions together, fen. */
    postAmount: z.number().int().nonnegative().default(0),
    discount: z.number().int().nonnegative().default(0),
    receiver: DouyinReceiver.default(DEFAULT_RECEIVER),
    buyerWords: z.string().optional(),
    sellerWords: z.string().optional(),
    createdAt: SandboxTime.optional(),
    paidAt: SandboxTime.optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type DouyinOrderInput = z.input<typeof DouyinOrderInput>;

export const DouyinOrderPatch = z
  .object({
    status: z.literal(ORDER_STATUS_VALUES).optional(),
    paidAt: SandboxTime.optional(),
    /** An after-sale on one sku order, named by merchant SKU or sku order id. */
    afterSale: z
      .object({ sku: z.string().min(1).optional(), lineId: Digits.optional(), status: z.literal(AFTER_SALE_VALUES) })
      .strict()
      .refine((r) => r.sku !== undefined || r.lineId !== undefined, { message: 'sku or lineId is required', path: ['sku'] })
      .optional(),
    receiver: DouyinReceiver.partial().optional(),
    sellerWords: z.string().optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type DouyinOrderPatch = z.input<typeof DouyinOrderPatch>;

export interface DouyinSkuOrder {
  id: string;
  sku: string;
  productId: string;
  skuId: string;
  title: string;
  qty: number;
  price: number;
  afterSale: AfterSaleStatus;
  shipped: boolean;
  /** When its after-sale first succeeded (12): the refund went back then. */
  refundedAt?: Date;
}

export interface DouyinOrder {
  id: string;
  status: DouyinOrderStatus;
  lines: DouyinSkuOrder[];
  postAmount: number;
  discount: number;
  receiver: DouyinReceiver;
  buyerWords: string | undefined;
  sellerWords: string | undefined;
  created: Date;
  paid: Date | undefined;
  modified: Date;
  shippedAt: Date | undefined;
}

const secs = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : 0);

/** A sku order's own status: a refunded one is closed (4), a shipped one 3, the rest follow the order. */
export function skuStatus(o: DouyinOrder, l: DouyinSkuOrder): DouyinOrderStatus {
  if (l.afterSale === AFTER_SALE.SUCCEEDED) return DOUYIN_ORDER_STATUS.CLOSED;
  if (l.shipped && o.status !== DOUYIN_ORDER_STATUS.COMPLETED) return DOUYIN_ORDER_STATUS.SHIPPED;
  return o.status;
}

/** `data.shop_order_detail` of order.orderDetail (also the rows of order.searchList). */
export function renderOrder(o: DouyinOrder, shopId: string): Record<string, unknown> {
  const goods = o.lines.reduce((a, l) => a + l.price * l.qty, 0);
  const r = o.receiver;
  return {
    order_id: o.id,
    shop_id: Number(shopId),
    order_status: o.status,
    create_time: secs(o.created),
    pay_time: o.status === DOUYIN_ORDER_STATUS.UNPAID ? 0 : secs(o.paid),
    update_time: secs(o.modified),
    ...(o.shippedAt ? { ship_time: secs(o.shippedAt) } : {}),
    order_amount: goods + o.postAmount,
    pay_amount: goods + o.postAmount - o.discount,
    post_amount: o.postAmount,
    promotion_amount: o.discount,
    buyer_words: o.buyerWords ?? '',
    seller_words: o.sellerWords ?? '',
    encrypt_post_receiver: r.encryptName,
    mask_post_receiver: r.maskName,
    encrypt_post_tel: r.encryptTel,
    mask_post_tel: r.maskTel,
    post_addr: { province: r.province, city: r.city, town: r.town, street: r.street, detail: r.detail, encrypt_detail: r.encryptDetail },
    mask_post_addr: { province: r.province, city: r.city, town: r.town, street: r.street, detail: r.detail },
    sku_order_list: o.lines.map((l) => ({
      order_id: l.id,
      parent_order_id: o.id,
      product_id: l.productId,
      product_name: l.title,
      sku_id: l.skuId,
      out_sku_id: l.sku,
      code: l.sku,
      item_num: l.qty,
      origin_amount: l.price * l.qty,
      sum_amount: l.price * l.qty,
      order_status: skuStatus(o, l),
      after_sale_info: { after_sale_status: l.afterSale, refund_status: l.afterSale === AFTER_SALE.SUCCEEDED ? 3 : PENDING_AFTER_SALE.has(l.afterSale) ? 1 : 0 },
    })),
  };
}

export function orderState(o: DouyinOrder) {
  return {
    orderId: o.id,
    status: o.status,
    created: o.created.toISOString(),
    paid: o.paid?.toISOString() ?? null,
    modified: o.modified.toISOString(),
    shipped: o.shippedAt?.toISOString() ?? null,
    postAmount: o.postAmount,
    discount: o.discount,
    receiver: { ...o.receiver },
    lines: o.lines.map((l) => ({ lineId: l.id, sku: l.sku, productId: l.productId, skuId: l.skuId, qty: l.qty, price: l.price, status: skuStatus(o, l), afterSale: l.afterSale, shipped: l.shipped })),
  };
}
