import { z } from 'zod';
import { SandboxLine, SandboxTime, type ListedSku } from '../../src/sandbox/platform-kit.js';

/**
 * The WeChat shop sandbox's orders: placeOrder input in WeChat's own words (status codes, the
 * masked receiver the shop API returns) and the /channels/ec/order/get rendering (fen, epoch
 * seconds, int64 ids as bare numbers).
 */

/** order status: 10 unpaid, 20 to ship, 21 partly shipped, 30 shipped, 100 completed, 200 closed after full after-sale, 250 cancelled unpaid. */
export const WECHAT_ORDER_STATUS = { UNPAID: 10, TO_SHIP: 20, PARTLY_SHIPPED: 21, SHIPPED: 30, COMPLETED: 100, CLOSED_AFTER_SALE: 200, CANCELLED: 250 } as const;
export type WeChatOrderStatus = (typeof WECHAT_ORDER_STATUS)[keyof typeof WECHAT_ORDER_STATUS];

/** The receiver as order/get returns it: masked name, phone and detail (plaintext only through sensitiveinfo/decode). */
export const WeChatReceiver = z
  .object({
    userName: z.string().min(1),
    telNumber: z.string().min(1),
    province: z.string().min(1),
    city: z.string(),
    county: z.string(),
    detail: z.string().min(1),
    postalCode: z.string().default(''),
    nationalCode: z.string().default(''),
  })
  .strict();
export type WeChatReceiver = z.output<typeof WeChatReceiver>;

const DEFAULT_RECEIVER: z.input<typeof WeChatReceiver> = { userName: '王*', telNumber: '137****2222', province: '广东省', city: '深圳市', county: '南山区', detail: '科技园**号', postalCode: '518000', nationalCode: '440305' };

export const WeChatOrderInput = z
  .object({
    id: z.string().regex(/^\d{1,19}$/, 'digits (a WeChat shop order id, as a string)'),
    status: z.literal(Object.values(WECHAT_ORDER_STATUS)).default(WECHAT_ORDER_STATUS.TO_SHIP),
    lines: z.array(SandboxLine).min(1),
    freight: z.number().int().nonnegative().default(0),
    discount: z.number().int().nonnegative().default(0),
    receiver: WeChatReceiver.default(WeChatReceiver.parse(DEFAULT_RECEIVER)),
    customerNotes: z.string().optional(),
    createdAt: SandboxTime.optional(),
    paidAt: SandboxTime.optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type WeChatOrderInput = z.input<typeof WeChatOrderInput>;

export interface WeChatOrder {
  id: string;
  status: WeChatOrderStatus;
  lines: { listing: ListedSku; title: string; qty: number; price: number }[];
  freight: number;
  discount: number;
  receiver: WeChatReceiver;
  customerNotes: string | undefined;
  created: Date;
  paid: Date | undefined;
  modified: Date;
}

const secs = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : 0);

/** The order/get `order` object. */
export function renderOrder(o: WeChatOrder): Record<string, unknown> {
  const productPrice = o.lines.reduce((a, l) => a + l.price * l.qty, 0);
  return {
    order_id: BigInt(o.id),
    status: o.status,
    create_time: secs(o.created),
    update_time: secs(o.modified),
    openid: 'oSbxBuyerOpenId0001',
    order_detail: {
      product_infos: o.lines.map((l) => ({
        product_id: BigInt(l.listing.itemId),
        sku_id: BigInt(l.listing.skuId),
        sku_cnt: l.qty,
        sale_price: l.price,
        market_price: l.price,
        title: l.title,
        sku_code: l.listing.sku,
        sku_attrs: [],
        on_aftersale_sku_cnt: 0,
        finish_aftersale_sku_cnt: 0,
      })),
      pay_info: o.paid ? { pay_time: secs(o.paid), transaction_id: `4200${o.id}` } : {},
      price_info: { product_price: productPrice, order_price: productPrice + o.freight - o.discount, freight: o.freight, discounted_price: o.discount, is_discounted: o.discount > 0 },
      delivery_info: {
        address_info: {
          user_name: o.receiver.userName,
          tel_number: o.receiver.telNumber,
          province_name: o.receiver.province,
          city_name: o.receiver.city,
          county_name: o.receiver.county,
          detail_info: o.receiver.detail,
          postal_code: o.receiver.postalCode,
          national_code: o.receiver.nationalCode,
        },
        deliver_method: 0,
      },
      ext_info: { customer_notes: o.customerNotes ?? '', merchant_notes: '' },
    },
  };
}

export function orderState(o: WeChatOrder) {
  return { id: o.id, status: o.status, lines: o.lines.map((l) => ({ sku: l.listing.sku, qty: l.qty, price: l.price })), modified: o.modified.toISOString() };
}
