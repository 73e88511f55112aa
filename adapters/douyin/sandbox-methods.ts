import { z } from 'zod';
import type { SandboxLog } from '../../src/sandbox/core.js';
import type { PlatformLedger, PlatformListings } from '../../src/sandbox/platform-kit.js';
import { AFTER_SALE, DOUYIN_ORDER_STATUS, PENDING_AFTER_SALE, renderOrder, type DouyinOrder } from './sandbox-orders.js';

/**
 * The Douyin open-platform methods the sandbox serves. Envelope and business refusals per
 * WIRE-FORMATS: code 10000 ok, 50002 business failure with sub_code "isv.business-failed:NNNNN"
 * (60040 refund pending, 60068 refunded before shipping, 60110 already shipped, 60021 cancelled,
 * 60018 carrier unsupported). Top-level codes for parameters and authorisation are representative
 * (3xxxx authorisation, 4xxxx parameters) and UNVERIFIED.
 */
export interface DouyinError {
  code: number;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
}

export const DOUYIN_ERRORS = {
  /** The shared "try later": the adapter retries it by its text. */
  RATE_LIMITED: { code: 90000, msg: '请求过于频繁，请稍后重试', sub_code: 'isp.frequency-limit', sub_msg: '请求过于频繁，请稍后重试' },
  SERVICE_UNAVAILABLE: { code: 20000, msg: '服务不可用', sub_code: 'isp.service-error', sub_msg: '服务暂不可用' },
  SIGNATURE: { code: 30001, msg: '签名校验失败', sub_code: 'isv.signature-invalid', sub_msg: 'sign不合法' },
  ACCESS_TOKEN: { code: 30002, msg: 'access_token已过期', sub_code: 'isv.access-token-expired', sub_msg: 'access_token不合法或已过期' },
} as const satisfies Record<string, DouyinError>;

export const DOUYIN_COMPANIES: ReadonlySet<string> = new Set(['shunfeng', 'ems', 'youzhengguonei', 'yuantong', 'zhongtong', 'shentong', 'yunda', 'jd']);

export type DouyinOutcome = { data: unknown } | { error: DouyinError };
export type DouyinMethod = (params: Record<string, unknown>) => DouyinOutcome;

export const invalid = (field: string, why: string): { error: DouyinError } => ({ error: { code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid', sub_msg: `${field}: ${why}` } });
export const business = (code: number | null, sub_msg: string): DouyinOutcome => ({ error: { code: 50002, msg: '业务处理失败', sub_code: code === null ? 'isv.business-failed' : `isv.business-failed:${code}`, sub_msg } });

const Id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const SearchParams = z.looseObject({
  page: z.number().int().nonnegative(),
  size: z.number().int().min(1).max(100),
  update_time_start: z.number().int().nonnegative().optional(),
  update_time_end: z.number().int().nonnegative().optional(),
  create_time_start: z.number().int().nonnegative().optional(),
  create_time_end: z.number().int().nonnegative().optional(),
  order_by: z.enum(['update_time', 'create_time']).default('create_time'),
  order_asc: z.boolean().default(false),
});
const DetailParams = z.looseObject({ shop_order_id: Id });
const LogisticsParams = z.looseObject({
  order_id: Id,
  company_code: z.string().min(1),
  logistics_code: z.string().min(1),
  is_refund_reject: z.boolean().optional(),
  is_reject_refund: z.boolean().optional(),
});
const StockParams = z.looseObject({ product_id: Id, sku_id: Id, stock_num: z.number().int().nonnegative(), incremental: z.boolean().default(false) });

function parse<S extends z.ZodType>(schema: S, params: Record<string, unknown>): { value: z.output<S> } | { error: DouyinError } {
  const r = schema.safeParse(params);
  if (r.success) return { value: r.data };
  const i = r.error.issues[0];
  return invalid(i?.path.join('.') || '(param_json)', i?.message ?? 'invalid');
}

export function douyinMethods(d: { orders: Map<string, DouyinOrder>; listings: PlatformListings; ledger: PlatformLedger; log: SandboxLog; clock: () => Date; shopId: string }): Record<string, DouyinMethod> {
  return {
    'order.searchList'(params) {
      const parsed = parse(SearchParams, params);
      if ('error' in parsed) return parsed;
      const p = parsed.value;
      // Both windows filter when given; order_by only sorts.
      const secs = (x: Date) => Math.floor(x.getTime() / 1000);
      const within = (x: Date, from: number | undefined, to: number | undefined) => (from === undefined || secs(x) >= from) && (to === undefined || secs(x) <= to);
      const key = p.order_by === 'update_time' ? 'modified' : 'created';
      const rows = [...d.orders.values()]
        .filter((o) => within(o.modified, p.update_time_start, p.update_time_end) && within(o.created, p.create_time_start, p.create_time_end))
        .sort((a, b) => (p.order_asc ? 1 : -1) * (a[key].getTime() - b[key].getTime() || (a.id < b.id ? -1 : 1)));
      d.log.record('order.searchList', null, { updateFrom: p.update_time_start ?? null, updateTo: p.update_time_end ?? null, page: p.page, size: p.size, total: rows.length });
      return { data: { shop_order_list: rows.slice(p.page * p.size, (p.page + 1) * p.size).map((o) => renderOrder(o, d.shopId)), total: rows.length, page: p.page, size: p.size } };
    },

    'order.orderDetail'(params) {
      const parsed = parse(DetailParams, params);
      if ('error' in parsed) return parsed;
      const p = parsed.value;
      const o = d.orders.get(p.shop_order_id);
      d.log.record('order.orderDetail', p.shop_order_id, { found: o !== undefined });
      // The sub-code for an unknown order is UNVERIFIED; a business refusal, not retried.
      if (!o) return business(null, '订单不存在');
      return { data: { shop_order_detail: renderOrder(o, d.shopId) } };
    },

    'order.logisticsAdd'(params) {
      const parsed = parse(LogisticsParams, params);
      if ('error' in parsed) return parsed;
      const p = parsed.value;
      const o = d.orders.get(p.order_id);
      const refuse = (code: number | null, msg: string) => {
        d.log.record('ship.refused', p.order_id, { code, status: o?.status ?? null });
        return business(code, msg);
      };
      if (!o) return refuse(null, '订单不存在');
      if (!DOUYIN_COMPANIES.has(p.company_code)) return refuse(60018, '不支持的物流公司');
      if (o.status === DOUYIN_ORDER_STATUS.CLOSED) return o.paid ? refuse(60068, '订单已退款，无法发货') : refuse(60021, '订单已取消');
      if (o.status === DOUYIN_ORDER_STATUS.SHIPPED || o.status === DOUYIN_ORDER_STATUS.COMPLETED) return refuse(60110, '订单已发货');
      if (o.status === DOUYIN_ORDER_STATUS.PARTLY_SHIPPED) return refuse(60110, '订单部分发货，不能整单发货');
      if (o.status === DOUYIN_ORDER_STATUS.UNPAID) return refuse(null, '订单未支付');
      const pending = o.lines.filter((l) => PENDING_AFTER_SALE.has(l.afterSale));
      const rejectRefund = p.is_refund_reject === true || p.is_reject_refund === true;
      if (pending.length && !rejectRefund) return refuse(60040, '订单有退款申请，请处理后再发货');
      // Shipping with is_refund_reject refuses the buyer's pending refund.
      for (const l of pending) l.afterSale = AFTER_SALE.REFUSED;
      const now = d.clock();
      for (const l of o.lines) if (l.afterSale !== AFTER_SALE.SUCCEEDED) l.shipped = true;
      o.status = DOUYIN_ORDER_STATUS.SHIPPED;
      o.shippedAt = now;
      o.modified = now;
      d.ledger.ship('order.logisticsAdd', { orderId: o.id, companyCode: p.company_code, trackingNumber: p.logistics_code, lineIds: null, kind: 'confirm' });
      return { data: {} };
    },

    'order.logisticsEdit'(params) {
      const parsed = parse(LogisticsParams, params);
      if ('error' in parsed) return parsed;
      const p = parsed.value;
      const o = d.orders.get(p.order_id);
      if (!o) return business(null, '订单不存在');
      if (!o.shippedAt) return business(null, '订单未发货，不能修改物流');
      if (!DOUYIN_COMPANIES.has(p.company_code)) return business(60018, '不支持的物流公司');
      o.modified = d.clock();
      d.ledger.ship('order.logisticsEdit', { orderId: o.id, companyCode: p.company_code, trackingNumber: p.logistics_code, lineIds: null, kind: 'resend' });
      return { data: {} };
    },

    'sku.syncStock'(params) {
      const parsed = parse(StockParams, params);
      if ('error' in parsed) return parsed;
      const p = parsed.value;
      const hit = d.listings.find(p.product_id, p.sku_id, undefined);
      // Sub-codes for an unknown product / SKU: UNVERIFIED.
      if (hit === 'no-item') return business(null, '商品不存在');
      if (hit === 'no-sku') return business(null, 'SKU不存在');
      hit.quantity = p.incremental ? hit.quantity + p.stock_num : p.stock_num;
      d.ledger.setStock('sku.syncStock', { sku: hit.sku, quantity: hit.quantity, listing: `${hit.itemId}:${hit.skuId}` });
      return { data: {} };
    },
  };
}
