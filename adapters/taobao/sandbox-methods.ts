import type { SandboxLog } from '../../src/sandbox/core.js';
import type { PlatformLedger, PlatformListings } from '../../src/sandbox/platform-kit.js';
import { formatGmt8, parseGmt8 } from '../_shared/signing.js';
import { indexedModified, indexWrite, renderTrade, SHIPPABLE, TOP_STATUS, type TopTrade } from './sandbox-trades.js';

/** Where the sandbox's TOP router listens, as on eco.taobao.com. */
export const TOP_ROUTER_PATH = '/router/rest';

/** A TOP error body's inner object, `{"error_response": {...}}`. */
export interface TopErrorBody {
  code: number;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
}

export interface TopCall {
  params: Readonly<Record<string, string>>;
}
export type TopOutcome = { ok: unknown } | { error: TopErrorBody };
export interface TopMethod {
  /** Shop data: the call must carry the shop's session. */
  needsSession: boolean;
  run(call: TopCall): TopOutcome;
}

const missing = (name: string): TopOutcome => ({ error: { code: 40, msg: `Missing required arguments:${name}` } });
const invalid = (name: string, why: string): TopOutcome => ({ error: { code: 41, msg: `Invalid arguments:${name}`, sub_code: 'isv.invalid-parameter', sub_msg: why } });
const remote = (sub_code: string, sub_msg: string): TopOutcome => ({ error: { code: 15, msg: 'Remote service error', sub_code, sub_msg } });
/** offline.send refusals: isv.logistics-offline-service-error:<code> (WIRE-FORMATS section 1). */
const offline = (code: string, msg: string) => remote(`isv.logistics-offline-service-error:${code}`, msg);
/** consign.resend refusals. */
const resend = (code: string, msg: string) => remote(`isv.logistics-update-company-or-mailno-error:${code}`, msg);

const DAY_MS = 24 * 3600_000;
/**
 * Trade types returned when `type` is absent, per TOP's parameter doc ("默认同时查询
 * guarantee_trade,auto_delivery,ec,cod,step"; quoted from memory of the doc, UNVERIFIED): a
 * caller that omits `type` misses `fixed` trades, which is why the adapter passes every type.
 */
const DEFAULT_TYPES: ReadonlySet<string> = new Set(['guarantee_trade', 'auto_delivery', 'ec', 'cod', 'step']);
const BUYER_HAS_IT: ReadonlySet<string> = new Set([TOP_STATUS.WAIT_BUYER_CONFIRM_GOODS, TOP_STATUS.TRADE_BUYER_SIGNED, TOP_STATUS.TRADE_FINISHED]);

function fieldSet(p: Readonly<Record<string, string>>): Set<string> | null {
  const f = p['fields'];
  return f ? new Set(f.split(',').map((s) => s.trim()).filter(Boolean)) : null;
}

function paging(p: Readonly<Record<string, string>>, defaultSize: number): { page: number; size: number } | TopOutcome {
  const page = Number(p['page_no'] ?? '1');
  const size = Number(p['page_size'] ?? String(defaultSize));
  if (!Number.isInteger(page) || page < 1) return invalid('page_no', 'page_no must be a positive integer');
  if (!Number.isInteger(size) || size < 1 || size > 100) return invalid('page_size', 'page_size must be 1..100');
  return { page, size };
}

function window(p: Readonly<Record<string, string>>, from: string, to: string): { start: Date | null; end: Date | null } | TopOutcome {
  const s = p[from];
  const e = p[to];
  const start = s ? parseGmt8(s) : null;
  const end = e ? parseGmt8(e) : null;
  if (s && !start) return invalid(from, `${from} must be yyyy-MM-dd HH:mm:ss`);
  if (e && !end) return invalid(to, `${to} must be yyyy-MM-dd HH:mm:ss`);
  if (start && end && start.getTime() > end.getTime()) return invalid(from, `${from} is after ${to}`);
  return { start, end };
}

/** A trade list page: `{total_results, trades: {trade: [...]}}`, or `has_next` instead of the total. */
function listPage(key: string, rows: TopTrade[], p: Readonly<Record<string, string>>, page: number, size: number, fields: Set<string>) {
  const slice = rows.slice((page - 1) * size, page * size);
  const body: Record<string, unknown> = p['use_has_next'] === 'true' ? { has_next: page * size < rows.length } : { total_results: rows.length };
  // TOP omits `trades` altogether on an empty page.
  if (slice.length) body['trades'] = { trade: slice.map((t) => renderTrade(t, fields)) };
  return { ok: { [key]: body } };
}

function typeFilter(p: Readonly<Record<string, string>>): (t: TopTrade) => boolean {
  const given = p['type'];
  const types = given ? new Set(given.split(',')) : DEFAULT_TYPES;
  const status = p['status'];
  return (t) => types.has(t.type) && (!status || t.status === status);
}

export function tradeMethods(d: { trades: Map<string, TopTrade>; listings: PlatformListings; ledger: PlatformLedger; log: SandboxLog; clock: () => Date; indexLagMs: number }): Record<string, TopMethod> {
  const trade = (tid: string | undefined) => (tid ? d.trades.get(tid) : undefined);

  return {
    'taobao.time.get': { needsSession: false, run: () => ({ ok: { time_get_response: { time: formatGmt8(d.clock()) } } }) },

    'taobao.trades.sold.increment.get': {
      needsSession: true,
      run({ params: p }) {
        const fields = fieldSet(p);
        if (!fields) return missing('fields');
        if (!p['start_modified']) return missing('start_modified');
        if (!p['end_modified']) return missing('end_modified');
        const w = window(p, 'start_modified', 'end_modified');
        if ('error' in w) return w;
        const { start, end } = w as { start: Date; end: Date };
        if (end.getTime() - start.getTime() > DAY_MS) return invalid('end_modified', 'start_modified and end_modified must be within one day');
        const pg = paging(p, 40);
        if ('error' in pg) return pg;
        const { page, size } = pg as { page: number; size: number };
        // Read the index at answer time, newest modified first: a trade modified meanwhile moves
        // out of the window, and a write the index has not caught up with is not seen yet.
        const keep = typeFilter(p);
        const now = d.clock();
        const rows = [...d.trades.values()]
          .map((t) => ({ t, m: indexedModified(t, now) }))
          .filter((x): x is { t: TopTrade; m: Date } => x.m !== null && keep(x.t) && x.m.getTime() >= start.getTime() && x.m.getTime() <= end.getTime())
          .sort((a, b) => b.m.getTime() - a.m.getTime() || (a.t.tid < b.t.tid ? 1 : -1))
          .map((x) => x.t);
        d.log.record('taobao.trades.sold.increment.get', null, { start: start.toISOString(), end: end.toISOString(), page, size, total: rows.length });
        return listPage('trades_sold_increment_get_response', rows, p, page, size, fields);
      },
    },

    'taobao.trades.sold.get': {
      needsSession: true,
      run({ params: p }) {
        const fields = fieldSet(p);
        if (!fields) return missing('fields');
        const w = window(p, 'start_created', 'end_created');
        if ('error' in w) return w;
        const { start, end } = w as { start: Date | null; end: Date | null };
        const pg = paging(p, 40);
        if ('error' in pg) return pg;
        const { page, size } = pg as { page: number; size: number };
        const keep = typeFilter(p);
        const now = d.clock();
        const rows = [...d.trades.values()]
          .filter((t) => indexedModified(t, now) !== null && keep(t) && (!start || t.created.getTime() >= start.getTime()) && (!end || t.created.getTime() <= end.getTime()))
          .sort((a, b) => b.created.getTime() - a.created.getTime() || (a.tid < b.tid ? 1 : -1));
        d.log.record('taobao.trades.sold.get', null, { page, size, total: rows.length });
        return listPage('trades_sold_get_response', rows, p, page, size, fields);
      },
    },

    'taobao.trade.fullinfo.get': {
      needsSession: true,
      run({ params: p }) {
        const fields = fieldSet(p);
        if (!fields) return missing('fields');
        if (!p['tid']) return missing('tid');
        const t = trade(p['tid']);
        d.log.record('taobao.trade.fullinfo.get', p['tid'], { found: t !== undefined });
        if (!t) return remote('isv.trade-not-exist', '交易不存在');
        return { ok: { trade_fullinfo_get_response: { trade: renderTrade(t, fields) } } };
      },
    },

    'taobao.logistics.offline.send': {
      needsSession: true,
      run({ params: p }) {
        for (const k of ['tid', 'out_sid', 'company_code'] as const) if (!p[k]) return missing(k);
        const tid = p['tid'] ?? '';
        const t = trade(tid);
        const refuse = (code: string, msg: string) => {
          d.log.record('ship.refused', tid, { sub_code: code, status: t?.status ?? null });
          return offline(code, msg);
        };
        if (!t) return refuse('B01', '订单不存在');
        const split = p['is_split'] === '1';
        const subs = p['sub_tid'] ? p['sub_tid'].split(',') : null;
        if (split !== (subs !== null)) return refuse('CD25', 'is_split和sub_tid必须同时传入或同时不传');
        if (!SHIPPABLE.has(t.status)) return refuse('B04', '订单状态不对该物流订单已经发货或者已关闭，不能重复发货');
        const open = t.lines.filter((l) => l.refundStatus !== 'SUCCESS' && !l.shipped);
        let shipping = open;
        if (subs) {
          const named = subs.map((oid) => t.lines.find((l) => l.oid === oid));
          if (named.some((l) => l === undefined)) return refuse('P38', '子订单与交易不匹配');
          if (named.some((l) => l && (l.shipped || l.refundStatus === 'SUCCESS'))) return refuse('B04', '订单状态不对该物流订单已经发货或者已关闭，不能重复发货');
          shipping = named.filter((l) => l !== undefined);
        } else if (t.status === TOP_STATUS.SELLER_CONSIGNED_PART) {
          return refuse('CD23', '订单已拆单发货，请传入sub_tid');
        }
        const now = d.clock();
        for (const l of shipping) l.shipped = true;
        t.status = open.every((l) => l.shipped) ? TOP_STATUS.WAIT_BUYER_CONFIRM_GOODS : TOP_STATUS.SELLER_CONSIGNED_PART;
        t.consigned ??= now;
        t.modified = now;
        indexWrite(t, now, d.indexLagMs);
        d.ledger.ship('taobao.logistics.offline.send', { orderId: tid, companyCode: p['company_code'] ?? '', trackingNumber: p['out_sid'] ?? '', lineIds: subs, kind: 'confirm' });
        return { ok: { logistics_offline_send_response: { shipping: { is_success: true } } } };
      },
    },

    'taobao.logistics.consign.resend': {
      needsSession: true,
      run({ params: p }) {
        for (const k of ['tid', 'out_sid', 'company_code'] as const) if (!p[k]) return missing(k);
        const tid = p['tid'] ?? '';
        const t = trade(tid);
        if (!t) return offline('B01', '订单不存在');
        const last = d.ledger.shipmentsOf(tid).at(-1);
        if (!last || !t.lines.some((l) => l.shipped)) return resend('CD19', '订单未发货，不能修改物流信息');
        if (!BUYER_HAS_IT.has(t.status) && t.status !== TOP_STATUS.SELLER_CONSIGNED_PART) return resend('P08', '该订单不支持修改');
        if (last.companyCode === p['company_code'] && last.trackingNumber === p['out_sid']) return resend('P07', '物流信息没有变化');
        t.modified = d.clock();
        indexWrite(t, t.modified, d.indexLagMs);
        d.ledger.ship('taobao.logistics.consign.resend', { orderId: tid, companyCode: p['company_code'] ?? '', trackingNumber: p['out_sid'] ?? '', lineIds: p['sub_tid'] ? p['sub_tid'].split(',') : null, kind: 'resend' });
        return { ok: { logistics_consign_resend_response: { shipping: { is_success: true } } } };
      },
    },

    'taobao.item.quantity.update': {
      needsSession: true,
      run({ params: p }) {
        if (!p['num_iid']) return missing('num_iid');
        if (p['quantity'] === undefined) return missing('quantity');
        const q = Number(p['quantity']);
        const type = p['type'] ?? '1';
        if (!Number.isInteger(q)) return invalid('quantity', 'quantity must be an integer');
        if (type !== '1' && type !== '2') return invalid('type', 'type must be 1 (full) or 2 (incremental)');
        const numIid = p['num_iid'] ?? '';
        const hit = d.listings.find(numIid, p['sku_id'], p['outer_id']);
        // Sub-codes for an unknown item / SKU: representative, UNVERIFIED.
        if (hit === 'no-item') return remote('isv.item-not-exist', `商品${numIid}不存在`);
        if (hit === 'no-sku') return remote('isv.sku-not-exist', '商品SKU不存在');
        const next = type === '1' ? q : hit.quantity + q;
        if (next < 0) return invalid('quantity', 'stock would become negative');
        hit.quantity = next;
        d.ledger.setStock('taobao.item.quantity.update', { sku: hit.sku, quantity: next, listing: `${hit.itemId}:${hit.skuId}` });
        const now = formatGmt8(d.clock());
        return {
          ok: {
            item_quantity_update_response: {
              item: { num_iid: Number(hit.itemId), num: d.listings.onItem(hit.itemId).reduce((a, s) => a + s.quantity, 0), modified: now, skus: { sku: d.listings.onItem(hit.itemId).map((s) => ({ sku_id: Number(s.skuId), quantity: s.quantity, modified: now })) } },
            },
          },
        };
      },
    },
  };
}

