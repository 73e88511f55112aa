import type { SandboxLog } from '../../src/sandbox/core.js';
import type { PlatformLedger, PlatformListings } from '../../src/sandbox/platform-kit.js';
import { parseGmt8 } from '../_shared/signing.js';
import { JD_ORDER_STATES } from './constants.js';
import { JD_SHIPPABLE, JD_STATE, renderJdOrder, type JdOrder } from './sandbox-orders.js';

/** A JOS gateway error, the inner object of `{"error_response": {...}}`. */
export interface JdErrorBody {
  code: string;
  zh_desc: string;
  en_desc: string;
}

export type JdOutcome = { ok: Record<string, unknown> } | { error: JdErrorBody; why: string };
export type JdMethod = (business: Readonly<Record<string, unknown>>) => JdOutcome;

/** A business parameter that is missing or wrong: JOS answers these at the gateway (code UNVERIFIED). */
const PARAM_ERROR: JdErrorBody = { code: '61', zh_desc: '参数错误', en_desc: 'Invalid parameter' };
const bad = (why: string): JdOutcome => ({ error: PARAM_ERROR, why });

/** JOS accepts a window of at most one month (WIRE-FORMATS); a month is taken as 31 days. */
const MAX_WINDOW_MS = 31 * 24 * 3600_000;
const STATES: ReadonlySet<string> = new Set(JD_ORDER_STATES);

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** apiResult of a search/get: the business verdict inside the wrapper. */
const okResult = { success: true, code: '0', chineseErr: '', englishErr: '' };

export function jdMethods(d: { orders: Map<string, JdOrder>; listings: PlatformListings; ledger: PlatformLedger; log: SandboxLog; clock: () => Date }): Readonly<Record<string, JdMethod>> {
  const fieldsOf = (b: Readonly<Record<string, unknown>>): Set<string> | null => {
    const f = text(b['optional_fields']);
    return f ? new Set(f.split(',').map((s) => s.trim()).filter(Boolean)) : null;
  };

  return {
    'jingdong.pop.order.search': (b) => {
      const fields = fieldsOf(b);
      if (!fields) return bad('optional_fields is required');
      const start = parseGmt8(text(b['start_date']) ?? '');
      const end = parseGmt8(text(b['end_date']) ?? '');
      if (!start || !end) return bad('start_date and end_date must be yyyy-MM-dd HH:mm:ss');
      if (end.getTime() < start.getTime()) return bad('end_date before start_date');
      if (end.getTime() - start.getTime() > MAX_WINDOW_MS) return bad('the window may span one month at most');
      const dateType = Number(b['dateType'] ?? 0);
      if (dateType !== 0 && dateType !== 1) return bad('dateType must be 0 (modified) or 1 (created)');
      const stateText = text(b['order_state']);
      if (!stateText) return bad('order_state is required');
      const states = new Set(stateText.split(','));
      const unknown = [...states].find((s) => !STATES.has(s));
      if (unknown) return bad(`order_state: unknown state ${unknown}`);
      const page = Number(text(b['page']) ?? '1');
      const size = Number(text(b['page_size']) ?? '20');
      if (!Number.isInteger(page) || page < 1) return bad('page must be a positive integer');
      if (!Number.isInteger(size) || size < 1 || size > 100) return bad('page_size must be 1..100');
      const at = (o: JdOrder) => (dateType === 0 ? o.modified : o.created).getTime();
      const hits = [...d.orders.values()].filter((o) => states.has(o.state) && at(o) >= start.getTime() && at(o) <= end.getTime()).sort((x, y) => at(x) - at(y) || x.orderId.localeCompare(y.orderId));
      const slice = hits.slice((page - 1) * size, page * size);
      return { ok: { searchorderinfo_result: { apiResult: okResult, orderTotal: hits.length, orderInfoList: slice.map((o) => renderJdOrder(o, fields)) } } };
    },

    'jingdong.pop.order.get': (b) => {
      const fields = fieldsOf(b);
      if (!fields) return bad('optional_fields is required');
      const id = text(b['order_id']);
      if (!id) return bad('order_id is required');
      const o = d.orders.get(id);
      if (!o) return { ok: { orderDetailInfo: { apiResult: { success: false, code: '100', chineseErr: '订单不存在', englishErr: 'order not found' } } } };
      return { ok: { orderDetailInfo: { apiResult: okResult, orderInfo: renderJdOrder(o, fields) } } };
    },

    // Parameter names per WIRE-FORMATS section 1 (orderId long, logiCoprId, logiNo).
    'jingdong.pop.order.shipment': (b) => {
      const id = text(b['orderId']);
      if (!id || !/^\d+$/.test(id)) return bad('orderId is required (a JD order id)');
      const company = text(b['logiCoprId']);
      const waybill = text(b['logiNo']);
      if (!company) return bad('logiCoprId is required');
      if (!waybill) return bad('logiNo is required');
      const refuse = (errorCode: string, zh: string, en: string) => {
        d.log.record('ship.refused', id, { errorCode });
        return { ok: { sopjosshipment_result: { success: false, errorCode, chineseErr: zh, englishErr: en } } };
      };
      const o = d.orders.get(id);
      if (!o) return refuse('10400001', '订单不存在', 'order does not exist');
      if (!JD_SHIPPABLE.has(o.state)) return refuse('10400002', `订单状态${o.state}不允许出库`, `order state ${o.state} cannot be shipped`);
      o.state = JD_STATE.WAIT_GOODS_RECEIVE_CONFIRM;
      o.waybill = waybill;
      o.modified = d.clock();
      d.ledger.ship('jingdong.pop.order.shipment.accepted', { orderId: id, companyCode: company, trackingNumber: waybill, lineIds: null, kind: 'confirm' });
      return { ok: { sopjosshipment_result: { success: true } } };
    },

    'jingdong.stock.write.updateSkuStock': (b) => {
      const skuId = text(b['skuId']);
      const stockNum = b['stockNum'];
      if (!skuId || !/^\d+$/.test(skuId)) return bad('skuId is required');
      if (typeof stockNum !== 'number' || !Number.isInteger(stockNum) || stockNum < 0) return bad('stockNum must be a non-negative integer');
      const listed = d.listings.all().find((s) => s.skuId === skuId);
      if (!listed) return { ok: { success: false, zh_desc: `sku ${skuId} 不存在`, en_desc: `sku ${skuId} not found` } };
      d.ledger.setStock('jingdong.stock.write.updateSkuStock.accepted', { sku: listed.sku, quantity: stockNum, listing: skuId });
      return { ok: { success: true } };
    },
  };
}
