import { createHash, createHmac, randomInt } from 'node:crypto';
import type { SandboxDefinition, SandboxRequest, SandboxResponse, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { ErrorScript, hubRoute, jsonResponse, jsonText, parseSandboxInput, PlatformLedger, PlatformListings, pushToHub, startPlatformServer, type PushResult, type SandboxListingInput } from '../../src/sandbox/platform-kit.js';
import type { PlatformBooks } from '../../src/sandbox/platform-books.js';
import { idSequence } from '../../src/sandbox/platform-ids.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { ADAPTER_ID, type DOUYIN_TAGS } from './constants.js';
import { business, DOUYIN_ERRORS, douyinMethods, invalid, type DouyinError } from './sandbox-methods.js';
import { DouyinEwaybills } from './sandbox-ewaybill.js';
import type { PlatformWaybillCarrier, SandboxWaybill, WaybillStateView } from '../../src/sandbox/courier-kit.js';
import type { DouyinEwaybillConfig } from './ewaybill.js';
import { AFTER_SALE, DOUYIN_ORDER_STATUS, DouyinOrderInput, DouyinOrderPatch, orderState, type DouyinOrder, type DouyinOrderStatus } from './sandbox-orders.js';

export { DOUYIN_ERRORS, type DouyinError };

/**
 * The Douyin shop open platform (抖店) in memory: POST /<method path> with the system parameters
 * in the query and param_json as the body, signed as documented (checked here with its own
 * implementation, hmac-sha256 or md5), answering the {code, msg, sub_code, sub_msg, data,
 * log_id} envelope; and the push side: signed order messages POSTed to the hub's webhook.
 */

export interface DouyinSandboxOptions extends SandboxStartOptions {
  appKey?: string;
  appSecret?: string;
  accessToken?: string;
  shopId?: string;
  /** The hub channel pushes go to (`/webhooks/douyin/<channel>`); default `douyin`. */
  channel?: string;
  /** Logistics code (e.g. shunfeng) -> the courier sandbox carrying the parcels of e-waybills issued for it. */
  ewaybillCarriers?: Record<string, PlatformWaybillCarrier>;
}

/** Order push tags (WIRE-FORMATS: 100 created ... 109 amount changed). */
export type DouyinOrderTag = keyof typeof DOUYIN_TAGS;

export interface DouyinPushResult extends PushResult {
  msgId: string;
  tag: DouyinOrderTag;
}

/** After-sale tags the sandbox sends (WIRE-FORMATS §3): 200 applied, 201 refund agreed, 204 refund refused, 206 refunded, 207 closed. */
export type DouyinAfterSaleTag = '200' | '201' | '204' | '206' | '207';

export interface DouyinAfterSalePushResult extends PushResult {
  msgId: string;
  tag: DouyinAfterSaleTag;
}

const AFTER_SALE_TAG: Record<number, DouyinAfterSaleTag | undefined> = { 6: '200', 7: '200', 11: '200', 12: '206', 27: '204', 28: '207', 29: '204' };

export interface DouyinSandbox extends SandboxSystem {
  placeOrder(input: DouyinOrderInput): ReturnType<typeof orderState>;
  /** Pays, holds (105), cancels (4), records an after-sale on a sku order, changes the address; bumps update_time. */
  updateOrder(orderId: string, patch: DouyinOrderPatch): ReturnType<typeof orderState>;
  listItem(input: SandboxListingInput): { sku: string; productId: string; skuId: string };
  /**
   * Pushes an order message to the hub, signed with event-sign; the tag follows the order's status
   * unless given. `msgId` repeats an earlier message (Douyin re-pushes until acknowledged).
   */
  pushOrder(orderId: string, opts?: { tag?: DouyinOrderTag; msgId?: string; channel?: string }): Promise<DouyinPushResult>;
  /**
   * Pushes an after-sale message (tags 200-227) about one sku order; the tag follows its after-sale
   * status (6/7/11 applied 200, 12 refunded 206, 27/29 refused 204, 28 closed 207) unless given.
   */
  pushAfterSale(orderId: string, opts: { sku?: string; lineId?: string; tag?: DouyinAfterSaleTag; msgId?: string; channel?: string }): Promise<DouyinAfterSalePushResult>;
  failNext(error: DouyinError, opts?: { method?: string; times?: number }): void;
  /** connectorConfig() plus the shop's e-waybill subscription: a courier connector issuing Douyin e-waybills. */
  ewaybillConnectorConfig(ewaybill: DouyinEwaybillConfig): Record<string, unknown>;
  /** The courier has the parcel of this e-waybill (logistics.cancelOrder is refused from now on). */
  pickUpEwaybill(waybillNo: string): SandboxWaybill;
  state(): DouyinSandboxState;
  /**
   * The platform's own money figures: every order it shows paid (pay_amount) and every sku order
   * whose after-sale succeeded, refunded by its amount (the refund_amount its after-sale message
   * carries). No platform subsidy is modelled, so received is the buyer's payment.
   */
  books(): PlatformBooks;
}

export interface DouyinSandboxState {
  orders: ReturnType<typeof orderState>[];
  shipments: ReturnType<PlatformLedger['toJSON']>['shipments'];
  stock: Record<string, number>;
  stockSets: ReturnType<PlatformLedger['toJSON']>['stockSets'];
  pushes: { msgId: string; orderId: string; tag: string; status: number }[];
  /** E-waybills issued (logistics.newCreateOrder), live and cancelled; orderId is `<order id>/<pack id>`. */
  ewaybills: WaybillStateView;
}

const TAG_OF_STATUS: Record<DouyinOrderStatus, DouyinOrderTag> = { 1: '100', 105: '101', 2: '101', 101: '108', 3: '102', 4: '106', 5: '103' };

/** hex(HMAC-SHA256(secret, s)) or hex(MD5(s)), s = secret + app_key.. method.. param_json.. timestamp.. v.. + secret. */
function douyinSign(q: { appKey: string; method: string; paramJson: string; timestamp: string; v: string }, secret: string, signMethod: string): string {
  const s = `${secret}app_key${q.appKey}method${q.method}param_json${q.paramJson}timestamp${q.timestamp}v${q.v}${secret}`;
  return signMethod === 'hmac-sha256' ? createHmac('sha256', secret).update(s, 'utf8').digest('hex') : createHash('md5').update(s, 'utf8').digest('hex');
}

const logId = () => `${Date.now()}${String(randomInt(1_000_000)).padStart(6, '0')}`;
const msgIdOf = () => `7${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e9)).padStart(9, '0')}`;

/** Douyin settles in fen of CNY. */
const CURRENCY = 'CNY';

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: DouyinSandboxOptions = {}): Promise<DouyinSandbox> {
    const clock = opts.clock ?? (() => new Date());
    const creds = { appKey: opts.appKey ?? '7000000000000000001', appSecret: opts.appSecret ?? 'sandbox-douyin-secret', accessToken: opts.accessToken ?? 'sandbox-douyin-token' };
    const shopId = opts.shopId ?? '12345';
    const log = new SandboxLog(ADAPTER_ID, clock);
    const ledger = new PlatformLedger(log, clock);
    const listings = new PlatformListings('douyin sandbox', { item: 3_600_000_000_000_000_000n, sku: 1_780_000_000_000_000n });
    const orders = new Map<string, DouyinOrder>();
    const script = new ErrorScript<DouyinError>();
    const pushes: DouyinSandboxState['pushes'] = [];
    const ewaybills = new DouyinEwaybills({ orders, log, clock, invalid, business, carriers: () => opts.ewaybillCarriers ?? {} });
    const methods = { ...douyinMethods({ orders, listings, ledger, log, clock, shopId }), ...ewaybills.methods() };

    const fail = (e: DouyinError): SandboxResponse => jsonResponse({ code: e.code, msg: e.msg, sub_code: e.sub_code ?? '', sub_msg: e.sub_msg ?? '', data: null, log_id: logId() });
    const refuse = (e: DouyinError, method: string | null): SandboxResponse => {
      log.record('request.refused', method, { code: e.code, sub_code: e.sub_code ?? null });
      return fail(e);
    };
    const handle = (req: SandboxRequest, badSignature: boolean): SandboxResponse => {
      const q = req.query;
      const method = q.get('method');
      if (req.method !== 'POST' || !method) return refuse({ code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid', sub_msg: 'method is required (POST)' }, method);
      if (req.path !== `/${method.replaceAll('.', '/')}`) return refuse({ code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid', sub_msg: 'method does not match the path' }, method);
      if (q.get('app_key') !== creds.appKey) return refuse({ code: 30001, msg: 'app_key不合法', sub_code: 'isv.app-key-invalid', sub_msg: 'app_key不存在' }, method);
      const timestamp = q.get('timestamp') ?? '';
      if (!/^\d{10}$/.test(timestamp)) return refuse({ code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid', sub_msg: 'timestamp: unix seconds' }, method);
      const v = q.get('v') ?? '';
      if (v !== '2') return refuse({ code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid', sub_msg: 'v: must be 2' }, method);
      const signMethod = q.get('sign_method') ?? 'md5';
      if (signMethod !== 'md5' && signMethod !== 'hmac-sha256') return refuse({ code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid', sub_msg: 'sign_method: md5 or hmac-sha256' }, method);
      const paramJson = req.text === '' ? '{}' : req.text;
      if (badSignature || q.get('sign') !== douyinSign({ appKey: creds.appKey, method, paramJson, timestamp, v }, creds.appSecret, signMethod)) return refuse(DOUYIN_ERRORS.SIGNATURE, method);
      if (q.get('access_token') !== creds.accessToken) return refuse(DOUYIN_ERRORS.ACCESS_TOKEN, method);
      const impl = methods[method];
      if (!impl) return refuse({ code: 40004, msg: '参数不合法', sub_code: 'isv.method-not-exist', sub_msg: `no method ${method}` }, method);
      let params: unknown;
      try {
        params = parseJsonSafe(paramJson);
      } catch {
        return refuse({ code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid', sub_msg: 'param_json is not JSON' }, method);
      }
      if (typeof params !== 'object' || params === null || Array.isArray(params)) return refuse({ code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid', sub_msg: 'param_json must be an object' }, method);
      const scripted = script.take(method);
      if (scripted) {
        log.record('request.failed', method, { code: scripted.code, sub_code: scripted.sub_code ?? null });
        return fail(scripted);
      }
      const out = impl(Object.fromEntries(Object.entries(params)));
      if ('error' in out) return fail(out.error);
      return jsonResponse({ code: 10000, msg: 'success', sub_code: '', sub_msg: '', err_no: 0, message: 'success', data: out.data, log_id: logId() });
    };

    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: (req, ctx) => handle(req, ctx.badSignature) });
    const orderOf = (id: string, what: string) => {
      const o = orders.get(id);
      if (!o) throw new Error(`douyin sandbox ${what}: orderId: no order ${id}`);
      return o;
    };

    const secs = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : 0);
    const afterSaleIds = new Map<string, bigint>();
    // 19 digits from 71, never repeated across sandboxes (src/sandbox/platform-ids.ts): each names a case on a server that outlives this one.
    const nextAfterSaleId = idSequence({ first: 7_100_000_000_000_000_001n, blocks: 2 ** 36, blockSize: 2n ** 20n });
    /** One signed delivery of one message to the hub's /webhooks/douyin/<channel>. */
    const send = async (orderId: string, tag: string, data: Record<string, unknown>, o: { msgId?: string | undefined; channel?: string | undefined }) => {
      const hub = opts.push?.hubUrl;
      if (!hub) throw new Error('douyin sandbox push: push.hubUrl: not set (start the sandbox with push: { hubUrl })');
      const msgId = o.msgId ?? msgIdOf();
      const body = jsonText([{ tag, msg_id: msgId, data: jsonText(data) }]);
      const sign = createHash('md5').update(creds.appKey + body + creds.appSecret, 'utf8').digest('hex');
      const url = hubRoute(hub, `/webhooks/douyin/${o.channel ?? opts.channel ?? ADAPTER_ID}`);
      const res = await pushToHub({ log, kind: 'push', key: orderId, url, body, headers: { 'content-type': 'application/json', 'app-id': creds.appKey, 'event-sign': sign } });
      pushes.push({ msgId, orderId, tag, status: res.status });
      return { ...res, msgId };
    };

    const system: DouyinSandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return {
          appKey: creds.appKey,
          appSecret: creds.appSecret,
          accessToken: creds.accessToken,
          baseUrl: server.url,
          listings: Object.fromEntries(listings.all().map((s) => [s.sku, { productId: s.itemId, skuId: s.skuId }])),
        };
      },
      ewaybillConnectorConfig(ewaybill) {
        return { ...system.connectorConfig(), ewaybill: { ...ewaybill } };
      },
      pickUpEwaybill(waybillNo) {
        return ewaybills.pickUp(waybillNo);
      },
      placeOrder(raw) {
        const o = parseSandboxInput(DouyinOrderInput, raw, 'douyin sandbox placeOrder');
        if (orders.has(o.id)) throw new Error(`douyin sandbox placeOrder: id: order ${o.id} exists already (use updateOrder)`);
        const modified = o.modifiedAt ?? clock();
        const order: DouyinOrder = {
          id: o.id,
          status: o.status,
          lines: o.lines.map((l, i) => {
            const at = listings.ensure(l.sku);
            return { id: l.lineId ?? (BigInt(o.id) + BigInt(i + 1)).toString(), sku: l.sku, productId: at.itemId, skuId: at.skuId, title: l.title ?? l.sku, qty: l.qty, price: l.price, afterSale: AFTER_SALE.NONE, shipped: false };
          }),
          postAmount: o.postAmount,
          discount: o.discount,
          receiver: o.receiver,
          buyerWords: o.buyerWords,
          sellerWords: o.sellerWords,
          created: o.createdAt ?? modified,
          paid: o.paidAt ?? (o.status === DOUYIN_ORDER_STATUS.UNPAID ? undefined : modified),
          modified,
          shippedAt: undefined,
        };
        if (o.discount > order.lines.reduce((a, l) => a + l.price * l.qty, 0) + o.postAmount) throw new Error('douyin sandbox placeOrder: discount: larger than goods and freight');
        orders.set(order.id, order);
        log.record('order.placed', order.id, { status: order.status });
        return orderState(order);
      },
      updateOrder(orderId, raw) {
        const patch = parseSandboxInput(DouyinOrderPatch, raw, 'douyin sandbox updateOrder');
        const o = orderOf(orderId, 'updateOrder');
        const at = patch.modifiedAt ?? clock();
        if (patch.status !== undefined) {
          if (patch.status !== DOUYIN_ORDER_STATUS.UNPAID && patch.status !== DOUYIN_ORDER_STATUS.CLOSED && !o.paid) o.paid = patch.paidAt ?? at;
          o.status = patch.status;
        }
        if (patch.paidAt) o.paid = patch.paidAt;
        if (patch.afterSale) {
          const a = patch.afterSale;
          const line = o.lines.find((l) => (a.lineId !== undefined ? l.id === a.lineId : l.sku === a.sku));
          if (!line) throw new Error(`douyin sandbox updateOrder: afterSale: order ${orderId} has no sku order ${a.lineId ?? a.sku ?? ''}`);
          line.afterSale = a.status;
          if (a.status === AFTER_SALE.SUCCEEDED) line.refundedAt ??= at;
          // Every sku order refunded: Douyin closes the shop order.
          if (o.lines.every((l) => l.afterSale === AFTER_SALE.SUCCEEDED)) o.status = DOUYIN_ORDER_STATUS.CLOSED;
        }
        if (patch.receiver) o.receiver = { ...o.receiver, ...patch.receiver };
        if (patch.sellerWords !== undefined) o.sellerWords = patch.sellerWords;
        o.modified = at;
        log.record('order.updated', orderId, { status: o.status, fields: Object.keys(patch) });
        return orderState(o);
      },
      listItem(input) {
        const s = listings.list(input);
        return { sku: s.sku, productId: s.itemId, skuId: s.skuId };
      },
      async pushOrder(orderId, o = {}) {
        const order = orderOf(orderId, 'pushOrder');
        const tag = o.tag ?? TAG_OF_STATUS[order.status];
        // Message data as zsmhub/doudian-sdk's order messages carry it: ids as int64 numbers.
        const data = {
          p_id: BigInt(order.id),
          s_ids: order.lines.map((l) => BigInt(l.id)),
          shop_id: Number(shopId),
          order_status: order.status,
          order_type: 0,
          biz: 2,
          update_time: secs(order.modified),
          ...(tag === '101' ? { pay_time: secs(order.paid), pay_amount: order.lines.reduce((a, l) => a + l.price * l.qty, 0) + order.postAmount - order.discount } : {}),
          ...(tag === '106' ? { cancel_time: secs(order.modified), cancel_reason: '' } : {}),
        };
        const r = await send(orderId, tag, data, o);
        return { ...r, tag };
      },
      async pushAfterSale(orderId, o) {
        const order = orderOf(orderId, 'pushAfterSale');
        const line = order.lines.find((l) => (o.lineId !== undefined ? l.id === o.lineId : l.sku === o.sku));
        if (!line) throw new Error(`douyin sandbox pushAfterSale: sku: order ${orderId} has no sku order ${o.lineId ?? o.sku ?? ''}`);
        const tag = o.tag ?? AFTER_SALE_TAG[line.afterSale];
        if (!tag) throw new Error(`douyin sandbox pushAfterSale: tag: sku order ${line.id} has no after-sale (set one with updateOrder first)`);
        afterSaleIds.set(line.id, afterSaleIds.get(line.id) ?? nextAfterSaleId());
        // After-sale message data (WIRE-FORMATS §3): parent and sku order, the after-sale and its refund in fen.
        const data = {
          p_id: BigInt(order.id),
          s_id: BigInt(line.id),
          shop_id: Number(shopId),
          aftersale_id: afterSaleIds.get(line.id),
          aftersale_status: line.afterSale,
          aftersale_type: line.shipped ? 1 : 2,
          refund_amount: line.price * line.qty,
          refund_post_amount: 0,
          reason_code: 0,
          apply_time: secs(order.modified),
          update_time: secs(order.modified),
        };
        const r = await send(orderId, tag, data, o);
        return { ...r, tag };
      },
      failNext(error, o = {}) {
        script.failNext(error, { ...(o.method ? { api: o.method } : {}), ...(o.times ? { times: o.times } : {}) });
      },
      state() {
        const l = ledger.toJSON();
        return { orders: [...orders.values()].map(orderState), shipments: l.shipments, stock: l.stock, stockSets: l.stockSets, pushes: pushes.map((p) => ({ ...p })), ewaybills: ewaybills.book.view() };
      },
      books() {
        // pay_time is sent (non-zero) for an order that is not unpaid and was paid.
        const sales = [...orders.values()].flatMap((o) => (o.paid && o.status !== DOUYIN_ORDER_STATUS.UNPAID ? [{ orderId: o.id, currency: CURRENCY, paidAt: o.paid.toISOString(), received: o.lines.reduce((a, l) => a + l.price * l.qty, 0) + o.postAmount - o.discount }] : []));
        const refunds = [...orders.values()].flatMap((o) => o.lines.flatMap((l) => (l.refundedAt ? [{ orderId: o.id, lineId: l.id, currency: CURRENCY, amount: l.price * l.qty, refundedAt: l.refundedAt.toISOString() }] : [])));
        return { sales, refunds, unpricedRefunds: [] };
      },
      close: () => server.close(),
    };
    return system;
  },
} satisfies SandboxDefinition<DouyinSandbox>;
