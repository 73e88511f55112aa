import { randomBytes, randomInt } from 'node:crypto';
import type { SandboxDefinition, SandboxRequest, SandboxResponse, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { ErrorScript, hubRoute, jsonResponse, jsonText, parseSandboxInput, PlatformLedger, PlatformListings, pushToHub, startPlatformServer, type PushResult, type SandboxListingInput } from '../../src/sandbox/platform-kit.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { ADAPTER_ID, WECHAT_ERRCODE, type WECHAT_ORDER_EVENTS } from './constants.js';
import { orderState, renderOrder, WECHAT_ORDER_STATUS, WeChatOrderInput, type WeChatOrder } from './sandbox-orders.js';
import { encryptWeChat, wechatSignature } from './webhook.js';

/**
 * The WeChat shop API (微信小店) in memory: /cgi-bin/stable_token hands out an access_token for
 * the right appid + secret; /channels/ec/* answer the {errcode, errmsg, ...} envelope and check
 * the token; and the push side: signed (optionally encrypted) order events POSTed to the hub.
 * Under the BAD_SIGNATURE fault the token endpoint answers 40125 (wrong secret) and API calls
 * 48001 (api unauthorized): WeChat signs no request, a wrong key shows up as those.
 */

export interface WeChatSandboxOptions extends SandboxStartOptions {
  appId?: string;
  appSecret?: string;
  pushToken?: string;
  /** Set: pushes are sent in safe mode (encrypted); the connector config carries the key. */
  encodingAesKey?: string;
  channel?: string;
}

export interface WeChatError {
  errcode: number;
  errmsg: string;
}
export const WECHAT_ERRORS = {
  BUSY: { errcode: WECHAT_ERRCODE.BUSY, errmsg: 'system error' },
  FREQ_LIMIT: { errcode: WECHAT_ERRCODE.FREQ_LIMIT, errmsg: 'api freq out of limit' },
  TOKEN_EXPIRED: { errcode: WECHAT_ERRCODE.TOKEN_EXPIRED, errmsg: 'access_token expired' },
  ALREADY_SHIPPED: { errcode: 109001, errmsg: 'order already delivered' },
} as const satisfies Record<string, WeChatError>;

export type WeChatEvent = keyof typeof WECHAT_ORDER_EVENTS;

export interface WeChatSandbox extends SandboxSystem {
  placeOrder(input: WeChatOrderInput): ReturnType<typeof orderState>;
  listItem(input: SandboxListingInput): { sku: string; productId: string; skuId: string };
  /** Pushes an order event (default channels_ec_order_pay) signed, and encrypted in safe mode. */
  pushOrder(orderId: string, opts?: { event?: WeChatEvent; channel?: string; createTime?: number }): Promise<PushResult>;
  failNext(error: WeChatError, opts?: { path?: string; times?: number }): void;
  /** Makes every issued token invalid (WeChat answers 40001 until a new one is fetched). */
  revokeTokens(): void;
  state(): { orders: ReturnType<typeof orderState>[]; shipments: ReturnType<PlatformLedger['toJSON']>['shipments']; stock: Record<string, number>; tokensIssued: number };
}

const ok = (data: Record<string, unknown> = {}): SandboxResponse => jsonResponse({ errcode: 0, errmsg: 'ok', ...data });
const err = (e: WeChatError): SandboxResponse => jsonResponse(e);
const INVALID_ARG = (msg: string): WeChatError => ({ errcode: 47001, errmsg: `data format error: ${msg}` });
const digits = (v: unknown): string | null => (typeof v === 'string' && /^\d+$/.test(v) ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : null);

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: WeChatSandboxOptions = {}): Promise<WeChatSandbox> {
    const clock = opts.clock ?? (() => new Date());
    const creds = { appId: opts.appId ?? 'wxsandbox0000001', appSecret: opts.appSecret ?? 'sandbox-wechat-secret', pushToken: opts.pushToken ?? 'sandbox-wechat-push-token' };
    const log = new SandboxLog(ADAPTER_ID, clock);
    const ledger = new PlatformLedger(log, clock);
    const listings = new PlatformListings('wechat-channels sandbox', { item: 10_000_000_000n, sku: 2_000_000_000n });
    const orders = new Map<string, WeChatOrder>();
    const script = new ErrorScript<WeChatError>();
    let tokens = new Set<string>();
    let issued = 0;

    const methods: Record<string, (body: Record<string, unknown>) => SandboxResponse> = {
      '/channels/ec/order/list/get': (b) => {
        const range = b['update_time_range'];
        if (typeof range !== 'object' || range === null) return err(INVALID_ARG('update_time_range required'));
        const r = range as Record<string, unknown>;
        const [start, end] = [Number(r['start_time']), Number(r['end_time'])];
        if (!Number.isInteger(start) || !Number.isInteger(end) || end < start || end - start > 7 * 86400) return err(INVALID_ARG('update_time_range: seconds, at most 7 days'));
        const size = Number(b['page_size'] ?? 10);
        const offset = b['next_key'] === undefined ? 0 : Number(b['next_key']);
        const hits = [...orders.values()].filter((o) => o.modified.getTime() / 1000 >= start && o.modified.getTime() / 1000 <= end).sort((x, y) => x.modified.getTime() - y.modified.getTime());
        const page = hits.slice(offset, offset + size);
        const more = offset + size < hits.length;
        return ok({ order_id_list: page.map((o) => BigInt(o.id)), next_key: String(offset + page.length), has_more: more });
      },
      '/channels/ec/order/get': (b) => {
        const id = digits(b['order_id']);
        const o = id ? orders.get(id) : undefined;
        return o ? ok({ order: renderOrder(o) }) : err({ errcode: 100002, errmsg: 'order not exist' });
      },
      '/channels/ec/order/delivery/send': (b) => {
        const id = digits(b['order_id']);
        const o = id ? orders.get(id) : undefined;
        if (!o) return err({ errcode: 100002, errmsg: 'order not exist' });
        const list = b['delivery_list'];
        const pkg = Array.isArray(list) && list.length === 1 && typeof list[0] === 'object' && list[0] !== null ? (list[0] as Record<string, unknown>) : null;
        if (!pkg || typeof pkg['delivery_id'] !== 'string' || typeof pkg['waybill_id'] !== 'string' || !Array.isArray(pkg['product_infos'])) return err(INVALID_ARG('delivery_list[0]: delivery_id, waybill_id, product_infos'));
        if (o.status === WECHAT_ORDER_STATUS.SHIPPED || o.status === WECHAT_ORDER_STATUS.COMPLETED) return err(WECHAT_ERRORS.ALREADY_SHIPPED);
        if (o.status !== WECHAT_ORDER_STATUS.TO_SHIP && o.status !== WECHAT_ORDER_STATUS.PARTLY_SHIPPED) return err({ errcode: 109000, errmsg: 'order status does not allow delivery' });
        o.status = WECHAT_ORDER_STATUS.SHIPPED;
        o.modified = clock();
        ledger.ship('order.delivery.send', { orderId: o.id, companyCode: pkg['delivery_id'], trackingNumber: pkg['waybill_id'], lineIds: null, kind: 'confirm' });
        return ok();
      },
      '/channels/ec/product/stock/update': (b) => {
        const [productId, skuId] = [digits(b['product_id']), digits(b['sku_id'])];
        const num = b['num'];
        if (!productId || !skuId || typeof num !== 'number' || !Number.isInteger(num) || num < 0) return err(INVALID_ARG('product_id, sku_id, num'));
        if (b['diff_type'] !== 3) return err(INVALID_ARG('diff_type: the sandbox takes 3 (set)'));
        const hit = listings.find(productId, skuId, undefined);
        if (hit === 'no-item') return err({ errcode: 10020050, errmsg: 'product not exist' });
        if (hit === 'no-sku') return err({ errcode: 10020051, errmsg: 'sku not exist' });
        hit.quantity = num;
        ledger.setStock('product.stock.update', { sku: hit.sku, quantity: num, listing: `${productId}:${skuId}` });
        return ok();
      },
    };

    const handle = (req: SandboxRequest, badSignature: boolean): SandboxResponse => {
      if (req.method !== 'POST') return err(INVALID_ARG('POST only'));
      let body: unknown;
      try {
        body = req.text === '' ? {} : parseJsonSafe(req.text);
      } catch {
        return err({ errcode: 47001, errmsg: 'data format error' });
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return err({ errcode: 47001, errmsg: 'data format error' });
      const b = body as Record<string, unknown>;
      if (req.path === '/cgi-bin/stable_token') {
        if (badSignature || b['appid'] !== creds.appId || b['secret'] !== creds.appSecret) {
          log.record('request.refused', req.path, { errcode: WECHAT_ERRCODE.INVALID_SECRET });
          return err({ errcode: WECHAT_ERRCODE.INVALID_SECRET, errmsg: 'invalid appsecret' });
        }
        const token = `SBX_${randomBytes(12).toString('hex')}`;
        tokens.add(token);
        issued++;
        return jsonResponse({ access_token: token, expires_in: 7200 });
      }
      const impl = methods[req.path];
      if (!impl) return err({ errcode: 48001, errmsg: `api unauthorized: no such api ${req.path}` });
      if (badSignature) return err({ errcode: WECHAT_ERRCODE.API_UNAUTHORIZED, errmsg: 'api unauthorized' });
      if (!tokens.has(req.query.get('access_token') ?? '')) return err({ errcode: WECHAT_ERRCODE.INVALID_CREDENTIAL, errmsg: 'invalid credential, access_token is invalid or not latest' });
      const scripted = script.take(req.path);
      if (scripted) {
        log.record('request.failed', req.path, { errcode: scripted.errcode });
        return err(scripted);
      }
      return impl(b);
    };

    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: (req, ctx) => handle(req, ctx.badSignature) });

    const system: WeChatSandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return {
          appId: creds.appId,
          appSecret: creds.appSecret,
          pushToken: creds.pushToken,
          ...(opts.encodingAesKey ? { encodingAesKey: opts.encodingAesKey } : {}),
          baseUrl: server.url,
          listings: Object.fromEntries(listings.all().map((s) => [s.sku, { productId: s.itemId, skuId: s.skuId }])),
        };
      },
      placeOrder(raw) {
        const o = parseSandboxInput(WeChatOrderInput, raw, 'wechat-channels sandbox placeOrder');
        if (orders.has(o.id)) throw new Error(`wechat-channels sandbox placeOrder: id: order ${o.id} exists already`);
        const modified = o.modifiedAt ?? clock();
        const order: WeChatOrder = {
          id: o.id,
          status: o.status,
          lines: o.lines.map((l) => ({ listing: listings.ensure(l.sku), title: l.title ?? l.sku, qty: l.qty, price: l.price })),
          freight: o.freight,
          discount: o.discount,
          receiver: o.receiver,
          customerNotes: o.customerNotes,
          created: o.createdAt ?? modified,
          paid: o.paidAt ?? (o.status === WECHAT_ORDER_STATUS.UNPAID || o.status === WECHAT_ORDER_STATUS.CANCELLED ? undefined : modified),
          modified,
        };
        if (o.discount > order.lines.reduce((a, l) => a + l.price * l.qty, 0) + o.freight) throw new Error('wechat-channels sandbox placeOrder: discount: larger than goods and freight');
        orders.set(order.id, order);
        log.record('order.placed', order.id, { status: order.status });
        return orderState(order);
      },
      listItem(input) {
        const s = listings.list(input);
        return { sku: s.sku, productId: s.itemId, skuId: s.skuId };
      },
      async pushOrder(orderId, o = {}) {
        const order = orders.get(orderId);
        if (!order) throw new Error(`wechat-channels sandbox pushOrder: orderId: no order ${orderId}`);
        const hub = opts.push?.hubUrl;
        if (!hub) throw new Error('wechat-channels sandbox pushOrder: push.hubUrl: not set (start the sandbox with push: { hubUrl })');
        const event = o.event ?? 'channels_ec_order_pay';
        const message = jsonText({ ToUserName: 'gh_sandbox0001', FromUserName: 'oSbxBuyerOpenId0001', CreateTime: o.createTime ?? Math.floor(clock().getTime() / 1000), MsgType: 'event', Event: event, order_info: { order_id: BigInt(order.id) } });
        const timestamp = String(Math.floor(clock().getTime() / 1000));
        const nonce = String(randomInt(1e9));
        const q = new URLSearchParams({ timestamp, nonce, signature: wechatSignature([creds.pushToken, timestamp, nonce]) });
        let body = message;
        if (opts.encodingAesKey) {
          const encrypt = encryptWeChat(message, creds.appId, opts.encodingAesKey);
          body = JSON.stringify({ ToUserName: 'gh_sandbox0001', Encrypt: encrypt });
          q.set('encrypt_type', 'aes');
          q.set('msg_signature', wechatSignature([creds.pushToken, timestamp, nonce, encrypt]));
        }
        const url = `${hubRoute(hub, `/webhooks/wechat-channels/${o.channel ?? opts.channel ?? ADAPTER_ID}`)}?${q.toString()}`;
        return pushToHub({ log, kind: 'push', key: orderId, url, body, headers: { 'content-type': 'application/json' } });
      },
      failNext(e, o = {}) {
        script.failNext(e, { ...(o.path ? { api: o.path } : {}), ...(o.times ? { times: o.times } : {}) });
      },
      revokeTokens() {
        tokens = new Set();
      },
      state() {
        const l = ledger.toJSON();
        return { orders: [...orders.values()].map(orderState), shipments: l.shipments, stock: l.stock, tokensIssued: issued };
      },
      close: () => server.close(),
    };
    return system;
  },
  /** What the contract kit calls: an order paid ten minutes ago is pulled, fetched, shipped, and its SKU's stock set. */
  contract(system: WeChatSandbox) {
    const orderId = '3705115058471208928';
    const sku = 'CONTRACT-SKU';
    const now = Date.now();
    system.placeOrder({ id: orderId, lines: [{ sku, qty: 2, price: 1990 }], freight: 500, discount: 300, modifiedAt: new Date(now - 10 * 60_000) });
    return [
      {
        capability: CAPABILITY.ORDER_PULL,
        input: { window: { start: new Date(now - 30 * 60_000).toISOString(), end: new Date(now).toISOString() } },
        check: (out: unknown) => (JSON.stringify(out).includes(`"order_id":"${orderId}"`) ? null : `order ${orderId} placed in the window was not pulled`),
      },
      { capability: CAPABILITY.ORDER_GET, input: { orderId }, check: (out: unknown) => (JSON.stringify(out).includes(`"order_id":"${orderId}"`) ? null : `order.get did not return order ${orderId}`) },
      {
        capability: CAPABILITY.SHIPMENT_CONFIRM,
        input: { orderId, trackingNumber: 'SF0000000001', carrierCode: 'SF' },
        check: () => (system.state().shipments.some((s) => s.orderId === orderId && s.trackingNumber === 'SF0000000001') ? null : 'the sandbox recorded no shipment'),
      },
      {
        capability: CAPABILITY.INVENTORY_PUSH,
        input: { warehouse: 'WH1', items: [{ sku, available: 3 }] },
        check: () => (system.state().stock[sku] === 3 ? null : `the sandbox holds ${String(system.state().stock[sku])} for ${sku}, not 3`),
      },
    ];
  },
} satisfies SandboxDefinition<WeChatSandbox>;
