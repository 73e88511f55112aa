import { z } from 'zod';
import { SandboxLine, SandboxTime, yuan } from '../../src/sandbox/platform-kit.js';
import { formatGmt8 } from '../_shared/signing.js';
import { JD_ORDER_STATES } from './constants.js';

/** The JD order model of the sandbox: what placeOrder takes and how search renders it. */

export type JdOrderState = (typeof JD_ORDER_STATES)[number];
export const JD_STATE = Object.fromEntries(JD_ORDER_STATES.map((s) => [s, s])) as { readonly [K in JdOrderState]: K };

/** Only a paid order waiting for stock-out can be shipped (WIRE-FORMATS, JD order_state). */
export const JD_SHIPPABLE: ReadonlySet<JdOrderState> = new Set([JD_STATE.WAIT_SELLER_STOCK_OUT]);

export const JdConsignee = z
  .object({
    fullname: z.string().min(1),
    mobile: z.string().min(1),
    province: z.string().min(1),
    city: z.string().min(1),
    county: z.string(),
    town: z.string().default(''),
    /** The street part; fullAddress is province + city + county + town + this. */
    detail: z.string().min(1),
  })
  .strict();
export type JdConsignee = z.output<typeof JdConsignee>;

const DEFAULT_CONSIGNEE: JdConsignee = { fullname: '赵*', mobile: '138****0000', province: '北京', city: '朝阳区', county: '三环到四环之间', town: '', detail: '建国路**号' };

export const JdOrderInput = z
  .object({
    id: z.string().regex(/^\d{1,19}$/, 'digits (a JD orderId)'),
    status: z.enum(JD_ORDER_STATES).default(JD_STATE.WAIT_SELLER_STOCK_OUT),
    lines: z.array(SandboxLine).min(1),
    /** Minor units (fen). */
    freight: z.number().int().nonnegative().default(0),
    sellerDiscount: z.number().int().nonnegative().default(0),
    consignee: JdConsignee.default(DEFAULT_CONSIGNEE),
    remark: z.string().default(''),
    createdAt: SandboxTime.optional(),
    paidAt: SandboxTime.optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type JdOrderInput = z.input<typeof JdOrderInput>;

export const JdOrderPatch = z
  .object({
    status: z.enum(JD_ORDER_STATES).optional(),
    consignee: JdConsignee.partial().optional(),
    venderRemark: z.string().optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type JdOrderPatch = z.input<typeof JdOrderPatch>;

export interface JdLine {
  skuId: string;
  wareId: string;
  outerSkuId: string;
  name: string;
  qty: number;
  price: number;
}

export interface JdOrder {
  orderId: string;
  state: JdOrderState;
  lines: JdLine[];
  freight: number;
  sellerDiscount: number;
  consignee: JdConsignee;
  remark: string;
  venderRemark: string;
  waybill: string;
  created: Date;
  paid: Date | undefined;
  modified: Date;
}

const goods = (o: JdOrder) => o.lines.reduce((a, l) => a + l.price * l.qty, 0);

/** The order as jingdong.pop.order.search writes it: yuan strings, GMT+8 times, only the fields asked for. */
export function renderJdOrder(o: JdOrder, fields: ReadonlySet<string>): Record<string, unknown> {
  const c = o.consignee;
  const full: Record<string, unknown> = {
    orderId: o.orderId,
    venderId: '10012345',
    orderState: o.state,
    orderTotalPrice: yuan(goods(o)),
    orderSellerPrice: yuan(goods(o) - o.sellerDiscount),
    orderPayment: yuan(goods(o) - o.sellerDiscount + o.freight),
    freightPrice: yuan(o.freight),
    sellerDiscount: yuan(o.sellerDiscount),
    orderStartTime: formatGmt8(o.created),
    modified: formatGmt8(o.modified),
    paymentConfirmTime: o.paid ? formatGmt8(o.paid) : '',
    orderRemark: o.remark,
    venderRemark: o.venderRemark,
    waybill: o.waybill,
    consigneeInfo: { fullname: c.fullname, mobile: c.mobile, desenMobile: c.mobile, telephone: '', fullAddress: `${c.province}${c.city}${c.county}${c.town}${c.detail}`, province: c.province, city: c.city, county: c.county, town: c.town },
    itemInfoList: o.lines.map((l) => ({ skuId: l.skuId, outerSkuId: l.outerSkuId, skuName: l.name, jdPrice: yuan(l.price), itemTotal: String(l.qty), wareId: l.wareId })),
  };
  return Object.fromEntries(Object.entries(full).filter(([k]) => fields.has(k)));
}

/** Plain JSON for state(). */
export function jdOrderState(o: JdOrder) {
  return { orderId: o.orderId, state: o.state, waybill: o.waybill, modified: o.modified.toISOString(), paid: o.paid?.toISOString() ?? null, lines: o.lines.map((l) => ({ ...l })) };
}
