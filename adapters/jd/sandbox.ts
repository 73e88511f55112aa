import { createHash, randomUUID } from 'node:crypto';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { SandboxDefinition, SandboxRequest, SandboxResponse, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { ErrorScript, jsonResponse, parseSandboxInput, PlatformLedger, PlatformListings, startPlatformServer, type SandboxListingInput } from '../../src/sandbox/platform-kit.js';
import { parseGmt8 } from '../_shared/signing.js';
import { ADAPTER_ID } from './constants.js';
import { jdAfterSales, type JdAfterSaleInput, type JdAfterSalePatch } from './sandbox-aftersales.js';
import { jdMethods, type JdErrorBody } from './sandbox-methods.js';
import { JD_STATE, JdOrderInput, JdOrderPatch, jdOrderState, type JdOrder } from './sandbox-orders.js';

/**
 * A JOS router (`/routerjson`) in memory. It checks what JOS checks before a method runs (app
 * key, access token, timestamp, v, 360buy_param_json and the MD5 signature, computed here from
 * WIRE-FORMATS' algorithm rather than the adapter's code) and answers `{"error_response":{code,
 * zh_desc, en_desc}}`; the methods (sandbox-methods.ts) keep orders, shipments and stock.
 */

export type { JdErrorBody };
export const JD_ROUTER_PATH = '/routerjson';

/**
 * Gateway errors. 19 (token) and 66 (backend timeout) are the ones the adapter's own tests name;
 * the others' numbers are UNVERIFIED (JOS publishes its table only behind a login).
 */
export const JD_ERRORS = {
  INVALID_TOKEN: { code: '19', zh_desc: 'token无效', en_desc: 'Invalid access_token' },
  BACKEND_TIMEOUT: { code: '66', zh_desc: '平台连接后端服务超时', en_desc: 'Platform backend service timeout' },
  BACKEND_UNAVAILABLE: { code: '67', zh_desc: '平台连接后端服务不可用', en_desc: 'Platform backend service unavailable' },
  CALL_LIMITED: { code: '85', zh_desc: '调用频繁，请稍后重试', en_desc: 'Call limited, too many requests' },
  INVALID_SIGN: { code: '14', zh_desc: '签名无效', en_desc: 'Invalid signature' },
  INVALID_APP_KEY: { code: '15', zh_desc: 'app_key无效', en_desc: 'Invalid app_key' },
  MISSING_PARAM: { code: '10', zh_desc: '缺少参数', en_desc: 'Missing parameter' },
  INVALID_TIMESTAMP: { code: '11', zh_desc: '时间戳无效', en_desc: 'Invalid timestamp' },
  INVALID_METHOD: { code: '12', zh_desc: '无效的方法', en_desc: 'Invalid method' },
} as const satisfies Record<string, JdErrorBody>;

export interface JdSandboxOptions extends SandboxStartOptions {
  appKey?: string;
  appSecret?: string;
  accessToken?: string;
}

export interface JdSandbox extends SandboxSystem {
  /** Creates an order (JD order_state words, money in minor units); returns its state. */
  placeOrder(input: JdOrderInput): ReturnType<typeof jdOrderState>;
  /** Changes state, consignee or seller remark; bumps `modified`. */
  updateOrder(orderId: string, patch: JdOrderPatch): ReturnType<typeof jdOrderState>;
  listItem(input: SandboxListingInput): { sku: string; wareId: string; skuId: string };
  /** A buyer's after-sales service order on an order line (jingdong.asc.query.list lists it). */
  openAfterSale(input: JdAfterSaleInput): Record<string, unknown>;
  /** Moves a service order to another serviceStatus; bumps its updateTime. */
  updateAfterSale(serviceId: number, patch: JdAfterSalePatch): Record<string, unknown>;
  /** Answers the next matching call(s) with this gateway error instead. */
  failNext(error: JdErrorBody, opts?: { method?: string; times?: number }): void;
  state(): JdSandboxState;
}

export interface JdSandboxState {
  orders: ReturnType<typeof jdOrderState>[];
  shipments: ReturnType<PlatformLedger['toJSON']>['shipments'];
  stock: Record<string, number>;
  stockSets: ReturnType<PlatformLedger['toJSON']>['stockSets'];
  afterSales: Record<string, unknown>[];
  /** Calls refused before reaching a method, by JOS code. */
  refused: Record<string, number>;
}

/** upper(MD5(secret + k1v1k2v2... + secret)) over every parameter but sign, keys sorted. */
function josSign(params: Readonly<Record<string, string>>, secret: string): string {
  const s = Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => `${k}${params[k] ?? ''}`)
    .join('');
  return createHash('md5').update(secret + s + secret, 'utf8').digest('hex').toUpperCase();
}

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: JdSandboxOptions = {}): Promise<JdSandbox> {
    const clock = opts.clock ?? (() => new Date());
    const creds = { appKey: opts.appKey ?? 'jd-sandbox-app', appSecret: opts.appSecret ?? 'jd-sandbox-secret', accessToken: opts.accessToken ?? 'jd-sandbox-token' };
    const log = new SandboxLog(ADAPTER_ID, clock);
    const ledger = new PlatformLedger(log, clock);
    // JD ids are Java longs the SDKs send as JSON numbers: kept well below 2^53.
    const listings = new PlatformListings('jd sandbox', { item: 10_000_000n, sku: 100_000_000_000n });
    const orders = new Map<string, JdOrder>();
    const script = new ErrorScript<JdErrorBody>();
    const refused = new Map<string, number>();
    const afterSales = jdAfterSales({ orders, log, clock });
    const methods = { ...jdMethods({ orders, listings, ledger, log, clock }), ...afterSales.methods };

    const fail = (e: JdErrorBody): SandboxResponse => jsonResponse({ error_response: { ...e, request_id: randomUUID() } });
    const refuse = (e: JdErrorBody, method: string | undefined, why?: string): SandboxResponse => {
      refused.set(e.code, (refused.get(e.code) ?? 0) + 1);
      log.record('request.refused', method ?? null, { code: e.code, why: why ?? e.en_desc });
      return fail(why ? { ...e, en_desc: `${e.en_desc}: ${why}` } : e);
    };

    const handle = (req: SandboxRequest, badSignature: boolean): SandboxResponse => {
      if (req.path !== JD_ROUTER_PATH) return { status: 404, body: 'Not Found' };
      const p: Record<string, string> = Object.fromEntries(req.query);
      if (req.method === 'POST') Object.assign(p, Object.fromEntries(new URLSearchParams(req.text)));
      const method = p['method'];
      for (const k of ['method', 'app_key', 'timestamp', 'v', 'sign', '360buy_param_json'] as const) if (!p[k]) return refuse(JD_ERRORS.MISSING_PARAM, method, k);
      if (p['app_key'] !== creds.appKey) return refuse(JD_ERRORS.INVALID_APP_KEY, method);
      if (!parseGmt8(p['timestamp'] ?? '')) return refuse(JD_ERRORS.INVALID_TIMESTAMP, method, 'timestamp must be yyyy-MM-dd HH:mm:ss (GMT+8)');
      if (p['v'] !== '2.0') return refuse(JD_ERRORS.MISSING_PARAM, method, 'v must be 2.0');
      if (badSignature || p['sign'] !== josSign(p, creds.appSecret)) return refuse(JD_ERRORS.INVALID_SIGN, method);
      if (p['access_token'] !== creds.accessToken) return refuse(JD_ERRORS.INVALID_TOKEN, method);
      const impl = method ? methods[method] : undefined;
      if (!method || !impl) return refuse(JD_ERRORS.INVALID_METHOD, method);
      let business: unknown;
      try {
        business = JSON.parse(p['360buy_param_json'] ?? '');
      } catch {
        return refuse(JD_ERRORS.MISSING_PARAM, method, '360buy_param_json is not JSON');
      }
      if (typeof business !== 'object' || business === null || Array.isArray(business)) return refuse(JD_ERRORS.MISSING_PARAM, method, '360buy_param_json must be a JSON object');
      const scripted = script.take(method);
      if (scripted) {
        log.record('request.failed', method, { code: scripted.code });
        return fail(scripted);
      }
      log.record(method, null, business);
      const out = impl(business as Record<string, unknown>);
      if ('error' in out) return refuse(out.error, method, out.why);
      // `_responce` (sic), the spelling the SDKs read.
      return jsonResponse({ [`${method.replaceAll('.', '_')}_responce`]: { code: '0', ...out.ok } });
    };

    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: (req, ctx) => handle(req, ctx.badSignature) });

    const system: JdSandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return { appKey: creds.appKey, appSecret: creds.appSecret, accessToken: creds.accessToken, baseUrl: `${server.url}${JD_ROUTER_PATH}`, listings: Object.fromEntries(listings.all().map((s) => [s.sku, { skuId: s.skuId }])) };
      },
      placeOrder(raw) {
        const o = parseSandboxInput(JdOrderInput, raw, 'jd sandbox placeOrder');
        if (orders.has(o.id)) throw new Error(`jd sandbox placeOrder: id: order ${o.id} exists already (use updateOrder)`);
        const total = o.lines.reduce((a, l) => a + l.price * l.qty, 0);
        if (o.sellerDiscount > total) throw new Error('jd sandbox placeOrder: sellerDiscount: larger than the goods total');
        const modified = o.modifiedAt ?? clock();
        const paidState = o.status !== JD_STATE.TRADE_CANCELED;
        const order: JdOrder = {
          orderId: o.id,
          state: o.status,
          lines: o.lines.map((l) => {
            const at = listings.ensure(l.sku);
            return { skuId: at.skuId, wareId: at.itemId, outerSkuId: l.sku, name: l.title ?? l.sku, qty: l.qty, price: l.price };
          }),
          freight: o.freight,
          sellerDiscount: o.sellerDiscount,
          consignee: o.consignee,
          remark: o.remark,
          venderRemark: '',
          waybill: '',
          created: o.createdAt ?? modified,
          paid: o.paidAt ?? (paidState ? modified : undefined),
          modified,
        };
        orders.set(order.orderId, order);
        log.record('order.placed', order.orderId, { state: order.state });
        return jdOrderState(order);
      },
      updateOrder(orderId, raw) {
        const patch = parseSandboxInput(JdOrderPatch, raw, 'jd sandbox updateOrder');
        const o = orders.get(orderId);
        if (!o) throw new Error(`jd sandbox updateOrder: id: no order ${orderId}`);
        if (patch.status) o.state = patch.status;
        if (patch.consignee) o.consignee = { ...o.consignee, ...patch.consignee };
        if (patch.venderRemark !== undefined) o.venderRemark = patch.venderRemark;
        o.modified = patch.modifiedAt ?? clock();
        log.record('order.updated', orderId, { state: o.state, fields: Object.keys(patch) });
        return jdOrderState(o);
      },
      listItem(input) {
        const s = listings.list(input);
        return { sku: s.sku, wareId: s.itemId, skuId: s.skuId };
      },
      openAfterSale: (input) => afterSales.open(input),
      updateAfterSale: (id, patch) => afterSales.update(id, patch),
      failNext(error, o = {}) {
        script.failNext(error, { ...(o.method ? { api: o.method } : {}), ...(o.times ? { times: o.times } : {}) });
      },
      state() {
        const l = ledger.toJSON();
        return { orders: [...orders.values()].map(jdOrderState), shipments: l.shipments, stock: l.stock, stockSets: l.stockSets, afterSales: afterSales.all(), refused: Object.fromEntries(refused) };
      },
      close: () => server.close(),
    };
    return system;
  },
  /** What the contract kit calls: an order placed ten minutes ago is pulled, shipped, its after-sale listed, and its SKU's stock set. */
  contract(system: JdSandbox) {
    const orderId = '300999000001';
    const sku = 'CONTRACT-SKU';
    const now = Date.now();
    system.placeOrder({ id: orderId, lines: [{ sku, qty: 1, price: 1990 }], modifiedAt: new Date(now - 10 * 60_000) });
    system.openAfterSale({ orderId, modifiedAt: new Date(now - 5 * 60_000) });
    return [
      {
        capability: CAPABILITY.ORDER_PULL,
        input: { window: { start: new Date(now - 30 * 60_000).toISOString(), end: new Date(now).toISOString() } },
        check: (out: unknown) => (JSON.stringify(out).includes(`"orderId":"${orderId}"`) ? null : `order ${orderId} placed in the window was not pulled`),
      },
      {
        capability: CAPABILITY.SHIPMENT_CONFIRM,
        input: { orderId, trackingNumber: 'SF0000000001', carrierCode: '467' },
        check: () => (system.state().shipments.some((s) => s.orderId === orderId && s.trackingNumber === 'SF0000000001') ? null : 'the sandbox recorded no shipment'),
      },
      {
        capability: CAPABILITY.AFTER_SALES_PULL,
        input: { window: { start: new Date(now - 30 * 60_000).toISOString(), end: new Date(now).toISOString() } },
        check: (out: unknown) => (JSON.stringify(out).includes(`"orderId":"${orderId}"`) ? null : `the after-sale opened on order ${orderId} was not listed`),
      },
      {
        capability: CAPABILITY.INVENTORY_PUSH,
        input: { warehouse: 'WH1', items: [{ sku, available: 3 }] },
        check: () => (system.state().stock[sku] === 3 ? null : `the sandbox holds ${String(system.state().stock[sku])} for ${sku}, not 3`),
      },
    ];
  },
} satisfies SandboxDefinition<JdSandbox>;
