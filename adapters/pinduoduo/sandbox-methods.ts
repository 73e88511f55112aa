import type { SandboxLog } from '../../src/sandbox/core.js';
import type { PlatformLedger, PlatformListings } from '../../src/sandbox/platform-kit.js';
import { PDD_ORDER_STATUS, PDD_REFUND_STATUS, renderOrder, type PddOrder } from './sandbox-orders.js';

/** `{"error_response": {error_code, error_msg, sub_code, sub_msg, request_id}}`, request_id added when sent. */
export interface PddError {
  error_code: number;
  error_msg: string;
  sub_code?: string;
  sub_msg?: string;
}

/**
 * Codes from open-source PDD SDKs and integrations (the official table needs a login), so
 * UNVERIFIED: 10000 parameters, 10019 token expired, 20004 signature, 70031 called too often,
 * 52101 service busy. Refusals of a shipment (refunded, already shipped) are reported as 10000
 * with PDD-style wording; PDD's exact business code for them is UNVERIFIED (WIRE-FORMATS §1).
 */
export const PDD_ERRORS = {
  CALLED_TOO_OFTEN: { error_code: 70031, error_msg: '调用过于频繁，请调整调用频率', sub_code: '70031', sub_msg: '调用过于频繁' },
  SERVICE_BUSY: { error_code: 52101, error_msg: '服务繁忙，请稍后重试', sub_code: '52101', sub_msg: '服务繁忙' },
  SIGNATURE: { error_code: 20004, error_msg: '签名验证失败', sub_code: '20004', sub_msg: 'sign不正确' },
  TOKEN_EXPIRED: { error_code: 10019, error_msg: 'access_token已过期', sub_code: '10019', sub_msg: 'access_token已过期或不存在' },
} as const satisfies Record<string, PddError>;

/** PDD logistics_id of the couriers WIRE-FORMATS confirms (pdd.logistics.companies.get dump). */
export const PDD_LOGISTICS_IDS: ReadonlySet<string> = new Set(['44', '118', '132', '85', '115', '1', '121', '120']);

export type PddOutcome = { ok: unknown } | { error: PddError };
export type PddMethod = (p: Readonly<Record<string, string>>) => PddOutcome;

const param = (name: string, why: string): PddOutcome => ({ error: { error_code: 10000, error_msg: '参数错误', sub_code: '10000', sub_msg: `${name}: ${why}` } });
const business = (sub_msg: string): PddOutcome => ({ error: { error_code: 10000, error_msg: '业务错误', sub_code: 'business.failed', sub_msg } });
const MAX_WINDOW_S = 30 * 60;
const MIN_LAG_S = 3 * 60;
const intOf = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);

export function pddMethods(d: { orders: Map<string, PddOrder>; listings: PlatformListings; ledger: PlatformLedger; log: SandboxLog; clock: () => Date }): Record<string, PddMethod> {
  return {
    'pdd.order.number.list.increment.get'(p) {
      const start = intOf(p['start_updated_at']);
      const end = intOf(p['end_updated_at']);
      if (start === null) return param('start_updated_at', 'unix seconds required');
      if (end === null) return param('end_updated_at', 'unix seconds required');
      if (end < start || end - start > MAX_WINDOW_S) return param('end_updated_at', 'the window must be at most 30 minutes');
      if (end > Math.floor(d.clock().getTime() / 1000) - MIN_LAG_S) return param('end_updated_at', 'must be at least 3 minutes before server time');
      const status = intOf(p['order_status'] ?? '5');
      const refund = intOf(p['refund_status'] ?? '5');
      if (status === null || status < 1 || status > 5) return param('order_status', '1, 2, 3 or 5 (all)');
      if (refund === null || refund < 1 || refund > 5) return param('refund_status', '1..4 or 5 (all)');
      const page = intOf(p['page'] ?? '1');
      const size = intOf(p['page_size'] ?? '100');
      if (page === null || page < 1) return param('page', 'from 1');
      if (size === null || size < 1 || size > 100) return param('page_size', '1..100');
      const secs = (o: PddOrder) => Math.floor(o.modified.getTime() / 1000);
      const rows = [...d.orders.values()]
        .filter((o) => secs(o) >= start && secs(o) <= end && (status === 5 || o.status === status) && (refund === 5 || o.refundStatus === refund))
        .sort((a, b) => b.modified.getTime() - a.modified.getTime() || (a.sn < b.sn ? 1 : -1));
      d.log.record('pdd.order.number.list.increment.get', null, { start, end, page, size, total: rows.length });
      const slice = rows.slice((page - 1) * size, page * size);
      return { ok: { order_sn_increment_get_response: { total_count: rows.length, has_next: page * size < rows.length, order_sn_list: slice.map(renderOrder) } } };
    },

    'pdd.order.information.get'(p) {
      const sn = p['order_sn'];
      if (!sn) return param('order_sn', 'required');
      const o = d.orders.get(sn);
      d.log.record('pdd.order.information.get', sn, { found: o !== undefined });
      if (!o) return business('订单不存在');
      return { ok: { order_info_get_response: { order_info: renderOrder(o) } } };
    },

    'pdd.logistics.online.send'(p) {
      const sn = p['order_sn'];
      const logisticsId = p['logistics_id'];
      const tracking = p['tracking_number'];
      if (!sn) return param('order_sn', 'required');
      if (!logisticsId) return param('logistics_id', 'required');
      if (!tracking) return param('tracking_number', 'required');
      const o = d.orders.get(sn);
      const refuse = (msg: string) => {
        d.log.record('ship.refused', sn, { msg, status: o?.status ?? null, refundStatus: o?.refundStatus ?? null });
        return business(msg);
      };
      if (!o) return refuse('订单不存在');
      if (!PDD_LOGISTICS_IDS.has(logisticsId)) return refuse('快递公司不存在');
      if (o.refundStatus === PDD_REFUND_STATUS.REFUNDED) return refuse('订单已退款，不能发货');
      if (o.refundStatus === PDD_REFUND_STATUS.REFUNDING) return refuse('订单退款中，不能发货');
      // redelivery_type 2 overwrites an earlier shipment; otherwise a shipped order is refused.
      const overwrite = p['redelivery_type'] === '2';
      if (o.status !== PDD_ORDER_STATUS.TO_SHIP && !overwrite) return refuse('订单已发货');
      if (o.status === PDD_ORDER_STATUS.TO_SHIP && overwrite) return refuse('订单未发货，不能修改物流');
      const now = d.clock();
      o.status = o.status === PDD_ORDER_STATUS.TO_SHIP ? PDD_ORDER_STATUS.SHIPPED : o.status;
      o.trackingNumber = tracking;
      o.logisticsId = logisticsId;
      o.shipped ??= now;
      o.modified = now;
      d.ledger.ship('pdd.logistics.online.send', { orderId: sn, companyCode: logisticsId, trackingNumber: tracking, lineIds: null, kind: overwrite ? 'resend' : 'confirm' });
      return { ok: { logistics_online_send_response: { is_success: true } } };
    },

    'pdd.goods.quantity.update'(p) {
      const goodsId = p['goods_id'];
      const q = intOf(p['quantity']);
      const type = p['update_type'] ?? '1';
      if (!goodsId) return param('goods_id', 'required');
      if (q === null) return param('quantity', 'a non-negative integer');
      if (!p['sku_id'] && !p['outer_id']) return param('sku_id', 'sku_id or outer_id is required');
      if (type !== '1' && type !== '2') return param('update_type', '1 (full) or 2 (incremental)');
      const hit = d.listings.find(goodsId, p['sku_id'], p['outer_id']);
      if (hit === 'no-item') return business('商品不存在');
      if (hit === 'no-sku') return business('商品sku不存在');
      hit.quantity = type === '1' ? q : hit.quantity + q;
      d.ledger.setStock('pdd.goods.quantity.update', { sku: hit.sku, quantity: hit.quantity, listing: `${hit.itemId}:${hit.skuId}` });
      return { ok: { goods_quantity_update_response: { is_success: true } } };
    },
  };
}
