import { z } from 'zod';
import { SandboxLine, SandboxTime, type ListedSku } from '../../src/sandbox/platform-kit.js';

/**
 * The Kuaishou sandbox's orders: placeOrder input in Kuaishou's words (status codes, one item per
 * order, the encrypted plus desensitised receiver) and the open.order.detail rendering: fen,
 * epoch milliseconds, int64 ids as bare numbers.
 */

/** orderBaseInfo.status: 10 unpaid, 30 paid (to ship), 40 shipped, 50 received, 70 succeeded, 80 failed/closed. */
export const KUAISHOU_ORDER_STATUS = { UNPAID: 10, PAID: 30, SHIPPED: 40, RECEIVED: 50, SUCCEEDED: 70, CLOSED: 80 } as const;
export type KuaishouOrderStatus = (typeof KUAISHOU_ORDER_STATUS)[keyof typeof KUAISHOU_ORDER_STATUS];

export const KuaishouReceiver = z
  .object({
    encryptedConsignee: z.string().min(1),
    desensitiseConsignee: z.string().min(1),
    encryptedMobile: z.string().min(1),
    desensitiseMobile: z.string().min(1),
    encryptedAddress: z.string().min(1),
    desensitiseAddress: z.string().min(1),
    province: z.string().min(1),
    provinceCode: z.number().int(),
    city: z.string(),
    cityCode: z.number().int(),
    district: z.string(),
    districtCode: z.number().int(),
    town: z.string().default(''),
  })
  .strict();
export type KuaishouReceiver = z.output<typeof KuaishouReceiver>;

const DEFAULT_RECEIVER: KuaishouReceiver = {
  encryptedConsignee: '#KsSbxName01#',
  desensitiseConsignee: '张**',
  encryptedMobile: '#KsSbxTel01#',
  desensitiseMobile: '138****5678',
  encryptedAddress: '#KsSbxAddr01#',
  desensitiseAddress: '建设路***号',
  province: '四川省',
  provinceCode: 510000,
  city: '成都市',
  cityCode: 510100,
  district: '成华区',
  districtCode: 510108,
  town: '',
};

export const KuaishouOrderInput = z
  .object({
    id: z.string().regex(/^\d{1,19}$/, 'digits (a Kuaishou order id, as a string)'),
    status: z.literal(Object.values(KUAISHOU_ORDER_STATUS)).default(KUAISHOU_ORDER_STATUS.PAID),
    /** Kuaishou orders hold one item (orderItemInfo is an object, not a list). */
    lines: z.array(SandboxLine).length(1, 'a Kuaishou order holds exactly one item'),
    expressFee: z.number().int().nonnegative().default(0),
    discountFee: z.number().int().nonnegative().default(0),
    receiver: KuaishouReceiver.default(DEFAULT_RECEIVER),
    remark: z.string().optional(),
    createdAt: SandboxTime.optional(),
    paidAt: SandboxTime.optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type KuaishouOrderInput = z.input<typeof KuaishouOrderInput>;

export interface KuaishouOrder {
  id: string;
  status: KuaishouOrderStatus;
  listing: ListedSku;
  title: string;
  num: number;
  price: number;
  expressFee: number;
  discountFee: number;
  receiver: KuaishouReceiver;
  remark: string | undefined;
  created: Date;
  paid: Date | undefined;
  modified: Date;
  logistics: { expressNo: string; expressCode: number }[];
}

const ms = (d: Date | undefined) => (d ? d.getTime() : 0);

export function renderOrder(o: KuaishouOrder): Record<string, unknown> {
  return {
    orderBaseInfo: {
      oid: BigInt(o.id),
      status: o.status,
      createTime: ms(o.created),
      payTime: ms(o.paid),
      updateTime: ms(o.modified),
      sendTime: 0,
      totalFee: o.price * o.num + o.expressFee - o.discountFee,
      expressFee: o.expressFee,
      discountFee: o.discountFee,
      buyerOpenId: 'f19ksSbxBuyerOpenId01',
      buyerNick: '',
      sellerOpenId: 'f19ksSbxSellerOpenId01',
      remark: o.remark ?? '',
      payType: 1,
      activityType: 1,
    },
    orderItemInfo: {
      orderItemId: BigInt(o.id) + 1n,
      itemId: BigInt(o.listing.itemId),
      relItemId: 0,
      skuId: BigInt(o.listing.skuId),
      relSkuId: 0,
      skuNick: o.listing.sku,
      skuDesc: '',
      itemTitle: o.title,
      num: o.num,
      price: o.price,
      originalPrice: o.price,
      discountFee: 0,
      goodsCode: '',
      itemType: 1,
    },
    orderAddress: { consignee: '', mobile: '', address: '', ...o.receiver },
    orderRefundList: [],
    orderLogisticsInfo: o.logistics.map((l) => ({ ...l })),
    orderNote: { sellerNote: [] },
  };
}

export function orderState(o: KuaishouOrder) {
  return { id: o.id, status: o.status, sku: o.listing.sku, num: o.num, price: o.price, modified: o.modified.toISOString() };
}
