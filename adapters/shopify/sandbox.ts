import { createHmac, randomUUID } from 'node:crypto';
import type { SandboxDefinition, SandboxRequest, SandboxResponse, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { ErrorScript, hubRoute, jsonResponse, parseSandboxInput, PlatformLedger, PlatformListings, pushToHub, startPlatformServer, type PushResult, type SandboxListingInput } from '../../src/sandbox/platform-kit.js';
import type { PlatformBooks } from '../../src/sandbox/platform-books.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { ADAPTER_ID } from './admin.js';
import type { shopifyManifest } from './manifest.js';
import { fulfillmentStatus, orderState, PAID_STATUSES, refundedAmount, renderOrder, ShopifyOrderInput, ShopifyOrderPatch, type ShopifyOrder } from './sandbox-orders.js';

/**
 * A Shopify shop in memory: orders sent to the hub as signed webhooks (X-Shopify-Hmac-Sha256 =
 * base64 HMAC-SHA256 of the raw body with the app secret, plus the topic, shop, webhook-id and
 * event-id headers), and the Admin REST the hub calls, behind X-Shopify-Access-Token:
 * inventory_levels/set.json, and the fulfillment-order flow (orders/{id}/fulfillment_orders.json,
 * fulfillments.json, and orders/{id}/fulfillments.json listing them) that records shipments. Error bodies are Shopify's `{"errors": ...}`.
 */

export interface ShopifySandboxOptions extends SandboxStartOptions {
  shop?: string;
  webhookSecret?: string;
  adminAccessToken?: string;
  locationId?: string;
  currency?: string;
  apiVersion?: string;
}

export type ShopifyOrderTopic = (typeof shopifyManifest.orderTopics)[number];

/** An Admin API error queued by failNext: its status and `{"errors": ...}` body. */
export interface ShopifyAdminError {
  status: number;
  errors: string | string[] | Record<string, string[]>;
  retryAfterSeconds?: number;
}

export interface ShopifyPushResult extends PushResult {
  webhookId: string;
  topic: ShopifyOrderTopic;
}

export interface ShopifySandbox extends SandboxSystem {
  placeOrder(input: ShopifyOrderInput): ReturnType<typeof orderState>;
  /** Pays, voids, refunds a line, cancels, changes the shipping address; bumps updated_at. */
  updateOrder(orderId: string, patch: ShopifyOrderPatch): ReturnType<typeof orderState>;
  listItem(input: SandboxListingInput): { sku: string; variantId: string; inventoryItemId: string };
  /** Sends the order as a webhook; `webhookId` repeats an earlier delivery (Shopify retries with the same id). */
  pushOrder(orderId: string, opts?: { topic?: ShopifyOrderTopic; webhookId?: string }): Promise<ShopifyPushResult>;
  /**
   * Renders an orders/updated webhook now and delivers it only when `deliver()` is called:
   * Shopify does not guarantee order, so an older copy may arrive after newer ones (stale).
   */
  delayPush(orderId: string): { deliver(): Promise<ShopifyPushResult> };
  failNext(error: ShopifyAdminError, opts?: { path?: string; times?: number }): void;
  state(): ShopifySandboxState;
  /**
   * The shop's own money figures in its currency: every order whose payment was captured (paid,
   * partially refunded, refunded: total_price, at processed_at, which is its creation here) and
   * every refund line (its subtotal, at the refund's time).
   */
  books(): PlatformBooks;
}

export interface ShopifySandboxState {
  orders: ReturnType<typeof orderState>[];
  shipments: ReturnType<PlatformLedger['toJSON']>['shipments'];
  stock: Record<string, number>;
  stockSets: ReturnType<PlatformLedger['toJSON']>['stockSets'];
  webhooks: { webhookId: string; orderId: string; topic: string; status: number }[];
}

const ADMIN_PATH = /^\/admin\/api\/(\d{4}-\d{2})\/(.+)$/;
const FO_PATH = /^orders\/(\d+)\/fulfillment_orders\.json$/;
const FULFILLMENTS_PATH = /^orders\/(\d+)\/fulfillments\.json$/;
const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
    const clock = opts.clock ?? (() => new Date());
    const cfg = {
      shop: opts.shop ?? 'zhongshu-sandbox.myshopify.com',
      webhookSecret: opts.webhookSecret ?? 'sandbox-shopify-webhook-secret',
      adminAccessToken: opts.adminAccessToken ?? 'shpat_sandbox',
      locationId: opts.locationId ?? '655441491',
      currency: opts.currency ?? 'USD',
      apiVersion: opts.apiVersion ?? '2024-07',
    };
    const log = new SandboxLog(ADAPTER_ID, clock);
    const ledger = new PlatformLedger(log, clock);
    // itemId: the variant; skuId: its inventory item (what inventory_levels/set.json names).
    const listings = new PlatformListings('shopify sandbox', { item: 808_950_000n, sku: 49_148_000_000n });
    const orders = new Map<string, ShopifyOrder>();
    const script = new ErrorScript<ShopifyAdminError>();
    const webhooks: ShopifySandboxState['webhooks'] = [];
    let callsInBucket = 0;
    let bucketAt = clock().getTime();
    let lineSeq = 866_550_311_766_000;
    let orderNumber = 1000;
    let fulfillmentSeq = 255_858_046;
    /** What GET orders/{id}/fulfillments.json lists: each created fulfillment as Shopify renders it. */
    const fulfillments: { id: number; order_id: number; status: string; tracking_company: string; tracking_number: string; tracking_numbers: string[]; created_at: string }[] = [];

    const errors = (status: number, e: ShopifyAdminError['errors'], headers: Record<string, string> = {}): SandboxResponse => jsonResponse({ errors: e }, status, headers);
    /** One fulfillment order per order; its line items reuse the order's line ids plus one. */
    const foId = (o: ShopifyOrder) => Number(o.id) + 1;
    const renderFo = (o: ShopifyOrder) => {
      const open = o.lines.some((l) => l.qty - l.refunded - l.fulfilled > 0);
      return {
        id: foId(o),
        order_id: Number(o.id),
        assigned_location_id: Number(cfg.locationId),
        status: o.cancelled || o.financialStatus === 'refunded' || o.financialStatus === 'voided' ? 'closed' : open ? 'open' : 'closed',
        line_items: o.lines.map((l) => ({ id: l.id + 1, fulfillment_order_id: foId(o), line_item_id: l.id, quantity: l.qty - l.refunded, fulfillable_quantity: Math.max(0, l.qty - l.refunded - l.fulfilled), variant_id: l.variantId })),
      };
    };

    const admin = (req: SandboxRequest, rest: string): SandboxResponse => {
      if (rest === 'inventory_levels/set.json' && req.method === 'POST') {
        const b = body(req);
        const item = typeof b['inventory_item_id'] === 'number' ? String(b['inventory_item_id']) : null;
        const available = b['available'];
        if (!item || typeof b['location_id'] !== 'number' || typeof available !== 'number' || !Number.isInteger(available)) return errors(422, { inventory_item_id: ['location_id, inventory_item_id and available (integers) are required'] });
        if (String(b['location_id']) !== cfg.locationId) return errors(422, ['Location not found']);
        const hit = listings.all().find((s) => s.skuId === item);
        if (!hit) return errors(404, 'Not Found');
        hit.quantity = available;
        ledger.setStock('inventory_levels/set.json', { sku: hit.sku, quantity: available, listing: `${cfg.locationId}:${hit.skuId}` });
        return jsonResponse({ inventory_level: { inventory_item_id: Number(item), location_id: Number(cfg.locationId), available, updated_at: clock().toISOString(), admin_graphql_api_id: `gid://shopify/InventoryLevel/${cfg.locationId}?inventory_item_id=${item}` } });
      }
      const fo = FO_PATH.exec(rest);
      if (fo && req.method === 'GET') {
        const o = orders.get(fo[1] ?? '');
        return o ? jsonResponse({ fulfillment_orders: [renderFo(o)] }) : errors(404, 'Not Found');
      }
      const fl = FULFILLMENTS_PATH.exec(rest);
      if (fl && req.method === 'GET') {
        const id = fl[1] ?? '';
        return orders.has(id) ? jsonResponse({ fulfillments: fulfillments.filter((f) => String(f.order_id) === id) }) : errors(404, 'Not Found');
      }
      if (rest === 'fulfillments.json' && req.method === 'POST') return fulfil(body(req));
      return errors(404, 'Not Found');
    };

    const body = (req: SandboxRequest): Record<string, unknown> => {
      try {
        const b: unknown = parseJsonSafe(req.text || '{}');
        return typeof b === 'object' && b !== null && !Array.isArray(b) ? Object.fromEntries(Object.entries(b)) : {};
      } catch {
        return {};
      }
    };

    const fulfil = (b: Record<string, unknown>): SandboxResponse => {
      const f = b['fulfillment'];
      if (typeof f !== 'object' || f === null) return errors(400, { fulfillment: ['Required parameter missing or invalid'] });
      const groups: unknown = 'line_items_by_fulfillment_order' in f ? f.line_items_by_fulfillment_order : undefined;
      const tracking: unknown = 'tracking_info' in f ? f.tracking_info : undefined;
      const group: unknown = Array.isArray(groups) ? groups[0] : undefined;
      const foIdGiven = typeof group === 'object' && group !== null && 'fulfillment_order_id' in group ? group.fulfillment_order_id : undefined;
      const o = [...orders.values()].find((x) => foId(x) === foIdGiven);
      if (!o) return errors(422, { line_items_by_fulfillment_order: ['fulfillment_order_id is not a fulfillment order of this shop'] });
      if (renderFo(o).status === 'closed') {
        log.record('ship.refused', o.id, { financialStatus: o.financialStatus, cancelled: o.cancelled !== undefined });
        // Wording UNVERIFIED; the status (422) and the {"errors": [...]} shape are Shopify's.
        return errors(422, [`Fulfillment order ${foId(o)} has an unfulfillable status= closed.`]);
      }
      const asked: unknown = typeof group === 'object' && group !== null && 'fulfillment_order_line_items' in group ? group.fulfillment_order_line_items : undefined;
      const picks = Array.isArray(asked)
        ? asked.map((x: unknown) => ({ id: typeof x === 'object' && x !== null && 'id' in x ? x.id : null, quantity: typeof x === 'object' && x !== null && 'quantity' in x ? x.quantity : null }))
        : o.lines.map((l) => ({ id: l.id + 1, quantity: l.qty - l.refunded - l.fulfilled }));
      for (const p of picks) {
        const line = o.lines.find((l) => l.id + 1 === p.id);
        if (!line || typeof p.quantity !== 'number' || p.quantity < 0 || p.quantity > line.qty - line.refunded - line.fulfilled) return errors(422, ['Invalid fulfillment order line item quantity requested.']);
      }
      for (const p of picks) {
        const line = o.lines.find((l) => l.id + 1 === p.id);
        if (line && typeof p.quantity === 'number') line.fulfilled += p.quantity;
      }
      const t = typeof tracking === 'object' && tracking !== null ? tracking : {};
      const company = 'company' in t && typeof t.company === 'string' ? t.company : '';
      const number = 'number' in t && typeof t.number === 'string' ? t.number : '';
      o.modified = clock();
      fulfillmentSeq += 1;
      ledger.ship('fulfillments.json', { orderId: o.id, companyCode: company, trackingNumber: number, lineIds: Array.isArray(asked) ? picks.map((p) => String(Number(p.id) - 1)) : null, kind: 'confirm' });
      const made = { id: fulfillmentSeq, order_id: Number(o.id), status: 'success', tracking_company: company, tracking_number: number, tracking_numbers: number ? [number] : [], created_at: clock().toISOString() };
      fulfillments.push(made);
      return jsonResponse({ fulfillment: made }, 201);
    };

    const handle = (req: SandboxRequest, badToken: boolean): SandboxResponse => {
      const m = ADMIN_PATH.exec(req.path);
      if (!m) return errors(404, 'Not Found');
      if (badToken || req.headers['x-shopify-access-token'] !== cfg.adminAccessToken) {
        log.record('request.refused', m[2] ?? null, { status: 401 });
        return errors(401, INVALID_TOKEN);
      }
      const rest = m[2] ?? '';
      const scripted = script.take(rest);
      if (scripted) {
        log.record('request.failed', rest, { status: scripted.status });
        return errors(scripted.status, scripted.errors, scripted.retryAfterSeconds === undefined ? {} : { 'retry-after': String(scripted.retryAfterSeconds) });
      }
      // The leaky bucket's fill as Shopify reports it on every Admin answer: 40 deep, leaking 2 per second.
      const now = clock().getTime();
      callsInBucket = Math.min(40, Math.max(0, callsInBucket - Math.floor((now - bucketAt) / 500)) + 1);
      bucketAt = now;
      const res = admin(req, rest);
      return { ...res, headers: { ...res.headers, 'x-shopify-shop-api-call-limit': `${callsInBucket}/40` } };
    };

    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: (req, ctx) => handle(req, ctx.badSignature) });
    const orderOf = (id: string, what: string) => {
      const o = orders.get(id);
      if (!o) throw new Error(`shopify sandbox ${what}: orderId: no order ${id}`);
      return o;
    };

    /** Renders a webhook of the order as it is now; the returned function delivers it. */
    const render = (order: Parameters<typeof orderState>[0], topic: ShopifyOrderTopic, webhookId: string) => {
      const hub = opts.push?.hubUrl;
      if (!hub) throw new Error('shopify sandbox pushOrder: push.hubUrl: not set (start the sandbox with push: { hubUrl })');
      const raw = JSON.stringify(renderOrder(order, cfg.currency));
      const headers = {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': createHmac('sha256', cfg.webhookSecret).update(raw, 'utf8').digest('base64'),
        'x-shopify-shop-domain': cfg.shop,
        'x-shopify-webhook-id': webhookId,
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': clock().toISOString(),
        'x-shopify-api-version': cfg.apiVersion,
      };
      return async (): Promise<ShopifyPushResult> => {
        const res = await pushToHub({ log, kind: 'webhook', key: order.id, url: hubRoute(hub, '/webhooks/shopify'), body: raw, headers });
        webhooks.push({ webhookId, orderId: order.id, topic, status: res.status });
        return { ...res, webhookId, topic };
      };
    };
    const system: ShopifySandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return {
          shop: cfg.shop,
          webhookSecret: cfg.webhookSecret,
          adminAccessToken: cfg.adminAccessToken,
          adminBaseUrl: server.url,
          apiVersion: cfg.apiVersion,
          locationId: cfg.locationId,
          listings: Object.fromEntries(listings.all().map((s) => [s.sku, { inventoryItemId: s.skuId }])),
        };
      },
      placeOrder(raw) {
        const o = parseSandboxInput(ShopifyOrderInput, raw, 'shopify sandbox placeOrder');
        if (orders.has(o.id)) throw new Error(`shopify sandbox placeOrder: id: order ${o.id} exists already (use updateOrder)`);
        const goods = o.lines.reduce((a, l) => a + l.price * l.qty, 0);
        if (o.discount > goods) throw new Error('shopify sandbox placeOrder: discount: larger than the goods total');
        const modified = o.modifiedAt ?? clock();
        let left = o.discount;
        const order: ShopifyOrder = {
          id: o.id,
          number: ++orderNumber,
          financialStatus: o.financialStatus,
          lines: o.lines.map((l, i) => {
            const at = listings.ensure(l.sku);
            const share = i === o.lines.length - 1 ? left : Math.floor((o.discount * l.price * l.qty) / Math.max(1, goods));
            left -= share;
            lineSeq += 10;
            return { id: lineSeq, sku: l.sku, variantId: Number(at.itemId), title: l.title ?? l.sku, qty: l.qty, price: l.price, discount: share, refunded: 0, fulfilled: 0 };
          }),
          shipping: o.shipping,
          discount: o.discount,
          address: o.shippingAddress,
          email: o.email,
          created: o.createdAt ?? modified,
          modified,
          cancelled: undefined,
          refunds: [],
        };
        orders.set(order.id, order);
        log.record('order.placed', order.id, { financialStatus: order.financialStatus });
        return orderState(order);
      },
      updateOrder(orderId, raw) {
        const patch = parseSandboxInput(ShopifyOrderPatch, raw, 'shopify sandbox updateOrder');
        const o = orderOf(orderId, 'updateOrder');
        const at = patch.modifiedAt ?? clock();
        if (patch.financialStatus) o.financialStatus = patch.financialStatus;
        if (patch.refundLine) {
          const r = patch.refundLine;
          const line = o.lines.find((l) => l.sku === r.sku);
          if (!line) throw new Error(`shopify sandbox updateOrder: refundLine.sku: order ${orderId} has no line ${r.sku}`);
          if (r.quantity > line.qty - line.refunded) throw new Error(`shopify sandbox updateOrder: refundLine.quantity: at most ${line.qty - line.refunded} left to refund`);
          line.refunded += r.quantity;
          o.refunds.push({ id: lineSeq + 5, at, lines: [{ lineId: line.id, quantity: r.quantity }] });
          o.financialStatus = o.lines.every((l) => l.refunded === l.qty) ? 'refunded' : 'partially_refunded';
        }
        if (patch.cancel) o.cancelled = at;
        if (patch.shippingAddress) o.address = { ...o.address, ...patch.shippingAddress };
        o.modified = at;
        log.record('order.updated', orderId, { financialStatus: o.financialStatus, fulfillmentStatus: fulfillmentStatus(o), fields: Object.keys(patch) });
        return orderState(o);
      },
      listItem(input) {
        const s = listings.list(input);
        return { sku: s.sku, variantId: s.itemId, inventoryItemId: s.skuId };
      },
      async pushOrder(orderId, o = {}) {
        const order = orderOf(orderId, 'pushOrder');
        return render(order, o.topic ?? (order.cancelled ? 'orders/cancelled' : 'orders/updated'), o.webhookId ?? randomUUID())();
      },
      delayPush(orderId) {
        return { deliver: render(orderOf(orderId, 'delayPush'), 'orders/updated', randomUUID()) };
      },
      failNext(error, o = {}) {
        script.failNext(error, { ...(o.path ? { api: o.path } : {}), ...(o.times ? { times: o.times } : {}) });
      },
      state() {
        const l = ledger.toJSON();
        return { orders: [...orders.values()].map(orderState), shipments: l.shipments, stock: l.stock, stockSets: l.stockSets, webhooks: webhooks.map((w) => ({ ...w })) };
      },
      books() {
        const all = [...orders.values()];
        return {
          sales: all.filter((o) => PAID_STATUSES.has(o.financialStatus)).map((o) => ({ orderId: o.id, currency: cfg.currency, paidAt: o.created.toISOString(), received: o.lines.reduce((a, l) => a + l.price * l.qty, 0) - o.discount + o.shipping })),
          refunds: all.flatMap((o) => o.refunds.flatMap((r) => r.lines.map((x) => ({ orderId: o.id, lineId: String(x.lineId), currency: cfg.currency, amount: refundedAmount(o, x), refundedAt: r.at.toISOString() })))),
          unpricedRefunds: [],
        };
      },
      close: () => server.close(),
    };
    return system;
  },
} satisfies SandboxDefinition<ShopifySandbox>;
