import { createHash, createHmac, randomInt } from 'node:crypto';
import type { SandboxDefinition, SandboxRequest, SandboxResponse, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { ErrorScript, hubRoute, jsonResponse, jsonText, parseSandboxInput, PlatformLedger, PlatformListings, pushToHub, startPlatformServer, type PushResult, type SandboxListingInput } from '../../src/sandbox/platform-kit.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { ADAPTER_ID, KUAISHOU_OK } from './constants.js';
import { KUAISHOU_ORDER_STATUS, KuaishouOrderInput, orderState, renderOrder, type KuaishouOrder } from './sandbox-orders.js';
import { encryptKuaishou } from './webhook.js';

/**
 * The Kuaishou shop open platform (快手电商开放平台) in memory: /open/<method path> with the
 * system parameters (appkey, method, version, param, access_token, timestamp, signMethod, sign)
 * in the query, or for POST APIs in a form body, signed as documented and checked here with its
 * own implementation (HMAC_SHA256 Base64 or MD5 hex); answers {result, error_msg, data}. The push
 * side: messages AES-CBC encrypted with the app's message key, POSTed to the hub.
 * The `result` codes of refusals are the sandbox's own choice (the platform's list is not public
 * as far as we found), except 21 "库存不足" seen in Kuaishou's K1001 help page.
 */

export interface KuaishouSandboxOptions extends SandboxStartOptions {
  appKey?: string;
  signSecret?: string;
  accessToken?: string;
  /** Base64 AES key for pushes (default: a fixed 16-byte sandbox key). */
  messageKey?: string;
  channel?: string;
}

export interface KuaishouError {
  result: number;
  error_msg: string;
}
export const KUAISHOU_ERRORS = {
  SIGNATURE: { result: 28, error_msg: '签名校验失败' },
  TOKEN: { result: 24, error_msg: 'access_token已过期' },
  QPS: { result: 803, error_msg: 'Exceed qps limit, KEY [apiId:open.order.detail], MAX_QPS [10.0]' },
  STOCK_SHORT: { result: 21, error_msg: '当前库存不足，请减少预留数量' },
} as const satisfies Record<string, KuaishouError>;

export interface KuaishouSandbox extends SandboxSystem {
  placeOrder(input: KuaishouOrderInput): ReturnType<typeof orderState>;
  listItem(input: SandboxListingInput): { sku: string; itemId: string; skuId: string };
  /** Pushes one encrypted message about an order (default event kwaishop_order_paySuccess). `eventId` repeats an earlier message. */
  pushOrder(orderId: string, opts?: { event?: string; eventId?: string; channel?: string }): Promise<PushResult & { eventId: string }>;
  failNext(error: KuaishouError, opts?: { method?: string; times?: number }): void;
  state(): { orders: ReturnType<typeof orderState>[]; shipments: ReturnType<PlatformLedger['toJSON']>['shipments']; stock: Record<string, number>; stockChanges: { sku: string; changeType: number; amount: number }[] };
}

const METHOD_HTTP: Record<string, 'GET' | 'POST'> = {
  'open.order.cursor.list': 'GET',
  'open.order.detail': 'GET',
  'open.item.get': 'GET',
  'open.seller.order.goods.deliver': 'POST',
  'open.item.sku.stock.update': 'POST',
};

/** The documented signature, written again here so the sandbox checks the adapter rather than itself. */
function sandboxSign(fields: URLSearchParams, secret: string): string {
  const keys = ['access_token', 'appkey', 'method', 'param', 'signMethod', 'timestamp', 'version'].filter((k) => fields.get(k) !== null).sort();
  const text = `${keys.map((k) => `${k}=${fields.get(k) ?? ''}`).join('&')}&signSecret=${secret}`;
  return fields.get('signMethod') === 'MD5' ? createHash('md5').update(text, 'utf8').digest('hex') : createHmac('sha256', secret).update(text, 'utf8').digest('base64');
}

const fail = (e: KuaishouError): SandboxResponse => jsonResponse({ result: e.result, error_msg: e.error_msg, requestId: String(randomInt(1e9)) });
const ok = (data: unknown): SandboxResponse => jsonResponse({ result: KUAISHOU_OK, error_msg: 'SUCCESS', data, requestId: String(randomInt(1e9)) });
const PARAM = (msg: string): KuaishouError => ({ result: 22, error_msg: `参数错误: ${msg}` });
const digits = (v: unknown): string | null => (typeof v === 'string' && /^\d+$/.test(v) ? v : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : null);

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: KuaishouSandboxOptions = {}): Promise<KuaishouSandbox> {
    const clock = opts.clock ?? (() => new Date());
    const creds = { appKey: opts.appKey ?? 'ks650000000000000001', signSecret: opts.signSecret ?? 'sandbox-kuaishou-sign-secret', accessToken: opts.accessToken ?? 'sandbox-kuaishou-token', messageKey: opts.messageKey ?? Buffer.from('ks-sandbox-key16').toString('base64') };
    const log = new SandboxLog(ADAPTER_ID, clock);
    const ledger = new PlatformLedger(log, clock);
    const listings = new PlatformListings('kuaishou sandbox', { item: 20_000_000_000n, sku: 3_000_000_000n });
    const orders = new Map<string, KuaishouOrder>();
    const script = new ErrorScript<KuaishouError>();
    const stockChanges: { sku: string; changeType: number; amount: number }[] = [];

    const methods: Record<string, (p: Record<string, unknown>) => SandboxResponse> = {
      'open.order.cursor.list': (p) => {
        const [begin, end] = [Number(p['beginTime']), Number(p['endTime'])];
        if (!Number.isInteger(begin) || !Number.isInteger(end) || end <= begin) return fail({ result: 300003, error_msg: 'ENDTIME MUST AFTER BEGINTIME' });
        if (end - begin > 7 * 86400_000) return fail({ result: 300004, error_msg: 'SEARCH TIME RANGE EXPAND 7 DAYS' });
        if (p['queryType'] !== 2) return fail(PARAM('queryType: the sandbox serves 2 (update time)'));
        const size = Number(p['pageSize'] ?? 10);
        const offset = typeof p['cursor'] === 'string' && p['cursor'] !== '' ? Number(p['cursor']) : 0;
        const hits = [...orders.values()].filter((o) => o.modified.getTime() >= begin && o.modified.getTime() <= end).sort((a, b) => a.modified.getTime() - b.modified.getTime());
        const page = hits.slice(offset, offset + size);
        return ok({ cursor: offset + size < hits.length ? String(offset + size) : 'nomore', orderList: page.map(renderOrder), pageSize: size, beginTime: begin, endTime: end });
      },
      'open.order.detail': (p) => {
        const o = orders.get(digits(p['oid']) ?? '');
        return o ? ok(renderOrder(o)) : fail({ result: 100, error_msg: '订单不存在' });
      },
      'open.seller.order.goods.deliver': (p) => {
        const o = orders.get(digits(p['orderId']) ?? '');
        if (!o) return fail({ result: 100, error_msg: '订单不存在' });
        const [expressNo, expressCode] = [p['expressNo'], p['expressCode']];
        if (typeof expressNo !== 'string' || expressNo === '' || typeof expressCode !== 'number' || !Number.isInteger(expressCode)) return fail(PARAM('expressNo (string), expressCode (integer)'));
        if (o.status !== KUAISHOU_ORDER_STATUS.PAID) return fail({ result: 101, error_msg: '订单状态不允许发货' });
        o.status = KUAISHOU_ORDER_STATUS.SHIPPED;
        o.modified = clock();
        o.logistics.push({ expressNo, expressCode });
        ledger.ship('goods.deliver', { orderId: o.id, companyCode: String(expressCode), trackingNumber: expressNo, lineIds: null, kind: 'confirm' });
        return ok(null);
      },
      'open.item.get': (p) => {
        const itemId = digits(p['kwaiItemId']);
        const skus = itemId ? listings.onItem(itemId) : [];
        if (!skus.length) return fail({ result: 102, error_msg: '商品不存在' });
        return ok({ kwaiItemId: BigInt(itemId ?? '0'), skuInfos: skus.map((s) => ({ kwaiSkuId: BigInt(s.skuId), skuStock: s.quantity, skuNick: s.sku })) });
      },
      'open.item.sku.stock.update': (p) => {
        const [itemId, skuId] = [digits(p['kwaiItemId']), digits(p['skuId'])];
        const [amount, changeType] = [p['skuChangeStock'], p['changeType']];
        if (!itemId || !skuId || typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0 || (changeType !== 1 && changeType !== 2)) return fail(PARAM('kwaiItemId, skuId, skuChangeStock > 0, changeType 1|2'));
        const hit = listings.find(itemId, skuId, undefined);
        if (typeof hit === 'string') return fail({ result: 102, error_msg: hit === 'no-item' ? '商品不存在' : 'SKU不存在' });
        const next = changeType === 1 ? hit.quantity + amount : hit.quantity - amount;
        if (next < 0) return fail(KUAISHOU_ERRORS.STOCK_SHORT);
        hit.quantity = next;
        stockChanges.push({ sku: hit.sku, changeType, amount });
        ledger.setStock('sku.stock.update', { sku: hit.sku, quantity: next, listing: `${itemId}:${skuId}` });
        return ok(null);
      },
    };

    const handle = (req: SandboxRequest, badSignature: boolean): SandboxResponse => {
      const fields = new URLSearchParams(req.query);
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(req.text)) fields.set(k, v);
      const method = fields.get('method') ?? '';
      const http = METHOD_HTTP[method];
      if (!http) return fail({ result: 20, error_msg: `API不存在: ${method}` });
      if (req.path !== `/${method.replaceAll('.', '/')}`) return fail(PARAM('method does not match the path'));
      if (req.method !== http) return fail(PARAM(`${method} takes ${http}`));
      if (fields.get('appkey') !== creds.appKey) return fail({ result: 25, error_msg: 'appkey不存在' });
      if (fields.get('version') !== '1' || !/^\d{13}$/.test(fields.get('timestamp') ?? '')) return fail(PARAM('version 1, timestamp in epoch milliseconds'));
      const signMethod = fields.get('signMethod');
      if (signMethod !== 'HMAC_SHA256' && signMethod !== 'MD5') return fail(PARAM('signMethod: HMAC_SHA256 or MD5'));
      if (badSignature || fields.get('sign') !== sandboxSign(fields, creds.signSecret)) {
        log.record('request.refused', method, { result: KUAISHOU_ERRORS.SIGNATURE.result });
        return fail(KUAISHOU_ERRORS.SIGNATURE);
      }
      if (fields.get('access_token') !== creds.accessToken) return fail(KUAISHOU_ERRORS.TOKEN);
      let param: unknown;
      try {
        param = parseJsonSafe(fields.get('param') ?? '{}');
      } catch {
        return fail(PARAM('param is not JSON'));
      }
      if (typeof param !== 'object' || param === null || Array.isArray(param)) return fail(PARAM('param must be a JSON object'));
      const scripted = script.take(method);
      if (scripted) {
        log.record('request.failed', method, { result: scripted.result });
        return fail(scripted);
      }
      return (methods[method] ?? (() => fail(PARAM('unknown'))))(param as Record<string, unknown>);
    };

    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: (req, ctx) => handle(req, ctx.badSignature) });
    let nextEvent = 1;

    const system: KuaishouSandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return {
          appKey: creds.appKey,
          signSecret: creds.signSecret,
          accessToken: creds.accessToken,
          messageKey: creds.messageKey,
          baseUrl: server.url,
          listings: Object.fromEntries(listings.all().map((s) => [s.sku, { itemId: s.itemId, skuId: s.skuId }])),
        };
      },
      placeOrder(raw) {
        const o = parseSandboxInput(KuaishouOrderInput, raw, 'kuaishou sandbox placeOrder');
        if (orders.has(o.id)) throw new Error(`kuaishou sandbox placeOrder: id: order ${o.id} exists already`);
        const line = o.lines[0];
        if (!line) throw new Error('kuaishou sandbox placeOrder: lines: exactly one item');
        if (o.discountFee > line.price * line.qty + o.expressFee) throw new Error('kuaishou sandbox placeOrder: discountFee: larger than goods and freight');
        const modified = o.modifiedAt ?? clock();
        const order: KuaishouOrder = {
          id: o.id,
          status: o.status,
          listing: listings.ensure(line.sku),
          title: line.title ?? line.sku,
          num: line.qty,
          price: line.price,
          expressFee: o.expressFee,
          discountFee: o.discountFee,
          receiver: o.receiver,
          remark: o.remark,
          created: o.createdAt ?? modified,
          paid: o.paidAt ?? (o.status === KUAISHOU_ORDER_STATUS.UNPAID ? undefined : modified),
          modified,
          logistics: [],
        };
        orders.set(order.id, order);
        log.record('order.placed', order.id, { status: order.status });
        return orderState(order);
      },
      listItem(input) {
        const s = listings.list(input);
        return { sku: s.sku, itemId: s.itemId, skuId: s.skuId };
      },
      async pushOrder(orderId, o = {}) {
        const order = orders.get(orderId);
        if (!order) throw new Error(`kuaishou sandbox pushOrder: orderId: no order ${orderId}`);
        const hub = opts.push?.hubUrl;
        if (!hub) throw new Error('kuaishou sandbox pushOrder: push.hubUrl: not set (start the sandbox with push: { hubUrl })');
        const eventId = o.eventId ?? `267_${orderId}_${nextEvent++}`;
        const event = o.event ?? 'kwaishop_order_paySuccess';
        const message = jsonText({ eventId, bizId: BigInt(order.id), userId: 12342323, openId: 'f19ksSbxSellerOpenId01', appKey: creds.appKey, event, info: jsonText({ oid: BigInt(order.id), sellerId: 12342323, status: order.status }), createTime: clock().getTime() });
        const url = hubRoute(hub, `/webhooks/kuaishou/${o.channel ?? opts.channel ?? ADAPTER_ID}`);
        const res = await pushToHub({ log, kind: 'push', key: orderId, url, body: encryptKuaishou(message, creds.messageKey), headers: { 'content-type': 'text/plain;charset=utf-8' } });
        return { ...res, eventId };
      },
      failNext(e, o = {}) {
        script.failNext(e, { ...(o.method ? { api: o.method } : {}), ...(o.times ? { times: o.times } : {}) });
      },
      state() {
        const l = ledger.toJSON();
        return { orders: [...orders.values()].map(orderState), shipments: l.shipments, stock: l.stock, stockChanges: stockChanges.map((c) => ({ ...c })) };
      },
      close: () => server.close(),
    };
    return system;
  },
  /** What the contract kit calls: an order paid ten minutes ago is pulled, fetched, shipped, and its SKU's stock set from 10 to 3. */
  contract(system: KuaishouSandbox) {
    const orderId = '2015600256209850';
    const sku = 'CONTRACT-SKU';
    const now = Date.now();
    system.listItem({ sku, quantity: 10 });
    system.placeOrder({ id: orderId, lines: [{ sku, qty: 1, price: 2990 }], expressFee: 600, discountFee: 500, modifiedAt: new Date(now - 10 * 60_000) });
    return [
      {
        capability: CAPABILITY.ORDER_PULL,
        input: { window: { start: new Date(now - 30 * 60_000).toISOString(), end: new Date(now).toISOString() } },
        check: (out: unknown) => (JSON.stringify(out).includes(`"oid":"${orderId}"`) ? null : `order ${orderId} placed in the window was not pulled`),
      },
      { capability: CAPABILITY.ORDER_GET, input: { orderId }, check: (out: unknown) => (JSON.stringify(out).includes(`"oid":"${orderId}"`) ? null : `order.get did not return order ${orderId}`) },
      {
        capability: CAPABILITY.SHIPMENT_CONFIRM,
        input: { orderId, trackingNumber: 'SF0000000001', carrierCode: '4' },
        check: () => (system.state().shipments.some((s) => s.orderId === orderId && s.trackingNumber === 'SF0000000001') ? null : 'the sandbox recorded no shipment'),
      },
      {
        capability: CAPABILITY.INVENTORY_PUSH,
        input: { warehouse: 'WH1', items: [{ sku, available: 3 }] },
        check: () => (system.state().stock[sku] === 3 ? null : `the sandbox holds ${String(system.state().stock[sku])} for ${sku}, not 3`),
      },
    ];
  },
} satisfies SandboxDefinition<KuaishouSandbox>;
