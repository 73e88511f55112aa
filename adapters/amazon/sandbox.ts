import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { SandboxDefinition, SandboxRequest, SandboxResponse, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { jsonResponse, parseSandboxInput, PlatformLedger, startPlatformServer } from '../../src/sandbox/platform-kit.js';
import { spApiOperation } from './transport.js';
import { ADAPTER_ID } from './constants.js';
import { AMAZON_SHIPPABLE, AMAZON_STATUS, AmazonOrderInput, AmazonOrderPatch, amazonOrderState, iso, renderAmazonItem, renderAmazonOrder, type AmazonOrder } from './sandbox-orders.js';
import { SP_API_USAGE_PLANS, UsageBuckets, type UsagePlan } from './sandbox-quota.js';
import { amazonRefunds, type AmazonRefundInput } from './sandbox-refunds.js';

/**
 * Amazon SP-API in memory: Login with Amazon's token endpoint, Orders v0 (getOrders with
 * NextToken snapshots, getOrder, getOrderItems, confirmShipment) and the Listings Items patch
 * the adapter pushes stock with. Every call needs an access token this sandbox issued; each
 * operation has its published usage plan (429 QuotaExceeded once the burst is spent); errors are
 * `{"errors":[{code,message,details}]}` (WIRE-FORMATS, Amazon).
 */

export const LWA_TOKEN_PATH = '/auth/o2/token';
const ORDERS = '/orders/v0/orders';
const FINANCIAL_EVENTS = '/finances/v0/financialEvents';
const LISTINGS = /^\/listings\/2021-08-01\/items\/([^/]+)\/([^/]+)$/;
const ORDER_PATH = /^\/orders\/v0\/orders\/([^/]+)(\/orderItems|\/shipmentConfirmation)?$/;
/** LastUpdatedBefore must be at least this long before the request (Orders v0 reference). */
const MIN_LAG_MS = 2 * 60_000;

export interface AmazonSandboxOptions extends SandboxStartOptions {
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  sellerId?: string;
  marketplaceId?: string;
  /** Access tokens live this long (Amazon: 3600). */
  tokenTtlSeconds?: number;
  /** Page sizes the sandbox caps at, so paging shows with a few orders. */
  ordersPageSize?: number;
  itemsPageSize?: number;
  /** Usage plans by operation, replacing the published ones given here. */
  usagePlans?: Readonly<Record<string, UsagePlan>>;
}

export interface AmazonSandbox extends SandboxSystem {
  placeOrder(input: AmazonOrderInput): ReturnType<typeof amazonOrderState>;
  updateOrder(id: string, patch: AmazonOrderPatch): ReturnType<typeof amazonOrderState>;
  /** Lists a seller SKU (placeOrder lists unknown SKUs itself, as HOME). */
  listItem(input: { sku: string; productType?: string; quantity?: number }): void;
  /** Every access token issued so far now answers "expired". */
  expireTokens(): void;
  /** Posts a refund of an order line to the Finances API (listFinancialEvents' RefundEventList). */
  refundOrder(input: AmazonRefundInput): Record<string, unknown>;
  state(): AmazonSandboxState;
}

export interface AmazonSandboxState {
  orders: ReturnType<typeof amazonOrderState>[];
  shipments: ReturnType<PlatformLedger['toJSON']>['shipments'];
  stock: Record<string, number>;
  stockSets: ReturnType<PlatformLedger['toJSON']>['stockSets'];
  tokensIssued: number;
  refunds: Record<string, unknown>[];
  /** Requests answered with an error, by `<status> <code>`. */
  refused: Record<string, number>;
}

const ShipmentBody = z
  .object({
    marketplaceId: z.string().min(1),
    packageDetail: z
      .object({
        packageReferenceId: z.string().regex(/^\d+$/, 'a positive numeric string'),
        carrierCode: z.string().min(1),
        carrierName: z.string().optional(),
        shippingMethod: z.string().optional(),
        trackingNumber: z.string().min(1),
        shipDate: z.iso.datetime({ offset: true }),
        orderItems: z.array(z.object({ orderItemId: z.string().min(1), quantity: z.number().int().positive() })).min(1),
      })
      .strict(),
    codCollectionMethod: z.string().optional(),
  })
  .strict();

const ListingPatch = z
  .object({
    productType: z.string().min(1),
    patches: z
      .array(z.object({ op: z.enum(['add', 'replace', 'delete']), path: z.string(), value: z.array(z.looseObject({ fulfillment_channel_code: z.string().optional(), quantity: z.number().int().nonnegative().optional() })).optional() }))
      .min(1),
  })
  .strict();

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: AmazonSandboxOptions = {}): Promise<AmazonSandbox> {
    const clock = opts.clock ?? (() => new Date());
    const creds = {
      clientId: opts.clientId ?? 'amzn1.application-oa2-client.sandbox',
      clientSecret: opts.clientSecret ?? 'amzn-sandbox-client-secret',
      refreshToken: opts.refreshToken ?? 'Atzr|sandbox-refresh-token',
      sellerId: opts.sellerId ?? 'A2SANDBOXSELLER',
      marketplaceId: opts.marketplaceId ?? 'ATVPDKIKX0DER',
    };
    const ttlMs = (opts.tokenTtlSeconds ?? 3600) * 1000;
    const ordersPageSize = opts.ordersPageSize ?? 100;
    const itemsPageSize = opts.itemsPageSize ?? 100;
    const log = new SandboxLog(ADAPTER_ID, clock);
    const ledger = new PlatformLedger(log, clock);
    const buckets = new UsageBuckets({ ...SP_API_USAGE_PLANS, ...opts.usagePlans }, clock);
    const orders = new Map<string, AmazonOrder>();
    const listings = new Map<string, { productType: string }>();
    const tokens = new Map<string, number>();
    const pages = new Map<string, { ids: string[]; offset: number }>();
    const packages = new Set<string>();
    const refused = new Map<string, number>();
    let tokensIssued = 0;
    let nextItemId = 10_000_000_000_001n;

    const requestId = () => randomUUID();
    const errors = (status: number, code: string, message: string, headers: Record<string, string> = {}): SandboxResponse => {
      refused.set(`${status} ${code}`, (refused.get(`${status} ${code}`) ?? 0) + 1);
      log.record('request.refused', code, { status, message });
      return jsonResponse({ errors: [{ code, message, details: '' }] }, status, { 'x-amzn-requestid': requestId(), ...headers });
    };
    const invalid = (message: string) => errors(400, 'InvalidInput', message);
    const refunds = amazonRefunds({ orders, log, clock, pageSize: ordersPageSize, invalid });

    const lwa = (req: SandboxRequest, badSignature: boolean): SandboxResponse => {
      const f = new URLSearchParams(req.text);
      const fail = (status: number, error: string, description: string) => {
        refused.set(`${status} ${error}`, (refused.get(`${status} ${error}`) ?? 0) + 1);
        log.record('token.refused', error, { status });
        return jsonResponse({ error, error_description: description }, status);
      };
      if (f.get('grant_type') !== 'refresh_token') return fail(400, 'unsupported_grant_type', 'grant_type must be refresh_token');
      if (badSignature || f.get('client_id') !== creds.clientId || f.get('client_secret') !== creds.clientSecret) return fail(401, 'invalid_client', 'Client authentication failed');
      if (f.get('refresh_token') !== creds.refreshToken) return fail(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
      const token = `Atza|sandbox-${randomUUID()}`;
      tokens.set(token, clock().getTime() + ttlMs);
      tokensIssued++;
      log.record('token.issued', null, { expiresIn: ttlMs / 1000 });
      return jsonResponse({ access_token: token, refresh_token: creds.refreshToken, token_type: 'bearer', expires_in: ttlMs / 1000 });
    };

    const getOrders = (q: URLSearchParams): SandboxResponse => {
      const marketplaces = q.get('MarketplaceIds')?.split(',').filter(Boolean) ?? [];
      if (marketplaces.length === 0) return invalid('MarketplaceIds is required');
      const next = q.get('NextToken');
      let page: { ids: string[]; offset: number };
      if (next) {
        const p = pages.get(next);
        if (!p) return invalid('Invalid NextToken');
        pages.delete(next);
        page = p;
      } else {
        const created = q.get('CreatedAfter');
        const after = q.get('LastUpdatedAfter');
        if ((created === null) === (after === null)) return invalid('Exactly one of CreatedAfter and LastUpdatedAfter is required');
        const from = Date.parse(created ?? after ?? '');
        if (Number.isNaN(from)) return invalid(`${created ? 'CreatedAfter' : 'LastUpdatedAfter'} must be ISO-8601`);
        const beforeText = q.get('LastUpdatedBefore');
        if (beforeText !== null && created !== null) return invalid('LastUpdatedBefore cannot be used with CreatedAfter');
        const before = beforeText === null ? clock().getTime() - MIN_LAG_MS : Date.parse(beforeText);
        if (Number.isNaN(before)) return invalid('LastUpdatedBefore must be ISO-8601');
        if (before > clock().getTime() - MIN_LAG_MS) return invalid('LastUpdatedBefore must be at least two minutes before the time of the request');
        if (before < from) return invalid('LastUpdatedBefore must be later than LastUpdatedAfter');
        const max = Number(q.get('MaxResultsPerPage') ?? '100');
        if (!Number.isInteger(max) || max < 1 || max > 100) return invalid('MaxResultsPerPage must be 1..100');
        const at = (o: AmazonOrder) => (created ? o.purchased : o.updated).getTime();
        const ids = [...orders.values()]
          .filter((o) => marketplaces.includes(o.marketplaceId) && at(o) >= from && (created !== null || at(o) <= before))
          .sort((a, b) => at(a) - at(b) || a.id.localeCompare(b.id))
          .map((o) => o.id);
        page = { ids, offset: 0 };
      }
      const size = Math.min(ordersPageSize, Number(q.get('MaxResultsPerPage') ?? '100') || 100);
      const slice = page.ids.slice(page.offset, page.offset + size);
      const rest = page.offset + size < page.ids.length;
      let token: string | undefined;
      if (rest) {
        token = randomUUID();
        pages.set(token, { ids: page.ids, offset: page.offset + size });
      }
      // The snapshot keeps the ids; each page shows the order as it is now.
      const found = slice.flatMap((id) => (orders.get(id) ? [renderAmazonOrder(orders.get(id) as AmazonOrder)] : []));
      return jsonResponse({ payload: { Orders: found, ...(token ? { NextToken: token } : {}) } });
    };

    const orderItems = (o: AmazonOrder, q: URLSearchParams): SandboxResponse => {
      const next = q.get('NextToken');
      const offset = next === null ? 0 : pages.get(next)?.offset;
      if (offset === undefined) return invalid('Invalid NextToken');
      if (next !== null) pages.delete(next);
      const slice = o.items.slice(offset, offset + itemsPageSize);
      let token: string | undefined;
      if (offset + itemsPageSize < o.items.length) {
        token = randomUUID();
        pages.set(token, { ids: [o.id], offset: offset + itemsPageSize });
      }
      return jsonResponse({ payload: { AmazonOrderId: o.id, OrderItems: slice.map((i) => renderAmazonItem(o, i)), ...(token ? { NextToken: token } : {}) } });
    };

    const confirm = (o: AmazonOrder, text: string): SandboxResponse => {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return invalid('The request body is not JSON');
      }
      const r = ShipmentBody.safeParse(raw);
      if (!r.success) return invalid(r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const b = r.data;
      if (b.marketplaceId !== o.marketplaceId) return invalid(`marketplaceId ${b.marketplaceId} is not the order's marketplace`);
      const p = b.packageDetail;
      // A repeated package reference is the same package: confirmed once (a retried call changes nothing).
      const pkg = `${o.id}/${p.packageReferenceId}`;
      if (packages.has(pkg)) return { status: 204, body: '' };
      if (!AMAZON_SHIPPABLE.has(o.status)) return invalid(`The order is ${o.status} and cannot be confirmed`);
      for (const it of p.orderItems) {
        const item = o.items.find((i) => i.orderItemId === it.orderItemId);
        if (!item) return invalid(`orderItemId ${it.orderItemId} is not in the order`);
        if (item.shipped + it.quantity > item.qty) return invalid(`orderItemId ${it.orderItemId}: quantity exceeds what is left to ship`);
      }
      for (const it of p.orderItems) {
        const item = o.items.find((i) => i.orderItemId === it.orderItemId);
        if (item) item.shipped += it.quantity;
      }
      packages.add(pkg);
      o.status = o.items.every((i) => i.shipped === i.qty) ? AMAZON_STATUS.Shipped : AMAZON_STATUS.PartiallyShipped;
      o.updated = clock();
      ledger.ship('shipment.confirmed', { orderId: o.id, companyCode: p.carrierCode, trackingNumber: p.trackingNumber, lineIds: p.orderItems.map((i) => i.orderItemId), kind: 'confirm' });
      return { status: 204, body: '' };
    };

    const patchListing = (sellerId: string, sku: string, q: URLSearchParams, text: string): SandboxResponse => {
      if (sellerId !== creds.sellerId) return errors(403, 'Unauthorized', 'Access to requested resource is denied.');
      if (!q.get('marketplaceIds')?.split(',').includes(creds.marketplaceId)) return invalid('marketplaceIds is required');
      const listing = listings.get(sku);
      if (!listing) return errors(404, 'NOT_FOUND', `SKU ${sku} not found`);
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return invalid('The request body is not JSON');
      }
      const r = ListingPatch.safeParse(raw);
      if (!r.success) return invalid(r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const submissionId = randomUUID().replaceAll('-', '');
      if (r.data.productType !== listing.productType) {
        log.record('listing.invalid', sku, { productType: r.data.productType });
        return jsonResponse({ sku, status: 'INVALID', submissionId, issues: [{ code: '4000003', message: `productType ${r.data.productType} does not match the listing's ${listing.productType}`, severity: 'ERROR', attributeNames: ['productType'] }] });
      }
      for (const p of r.data.patches) {
        const qty = p.path === '/attributes/fulfillment_availability' ? p.value?.find((v) => v.fulfillment_channel_code === 'DEFAULT')?.quantity : undefined;
        if (qty !== undefined) ledger.setStock('listing.quantity', { sku, quantity: qty, listing: `${sellerId}/${sku}` });
      }
      return jsonResponse({ sku, status: 'ACCEPTED', submissionId, issues: [] });
    };

    const handle = (req: SandboxRequest, badSignature: boolean): SandboxResponse => {
      if (req.method === 'POST' && req.path === LWA_TOKEN_PATH) return lwa(req, badSignature);
      const verb = req.method === 'GET' || req.method === 'POST' || req.method === 'PATCH' ? req.method : null;
      if (!verb) return errors(405, 'MethodNotAllowed', `${req.method} is not supported`);
      const op = spApiOperation(verb, req.path);
      const token = req.headers['x-amz-access-token'];
      const expires = token === undefined ? undefined : tokens.get(token);
      if (badSignature || expires === undefined) return errors(403, 'Unauthorized', 'Access to requested resource is denied.');
      if (expires <= clock().getTime()) return errors(403, 'Unauthorized', 'The access token you provided has expired.');
      const plan = buckets.plan(op);
      const rateHeaders: Record<string, string> = plan ? { 'x-amzn-ratelimit-limit': String(plan.rate) } : {};
      const wait = buckets.take(op);
      // Retry-After on a 429 is this sandbox's hint (UNVERIFIED for SP-API, which documents x-amzn-RateLimit-Limit).
      if (wait !== null) return errors(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.', { ...rateHeaders, 'retry-after': String(wait) });
      log.record(op, null, { path: req.path, query: Object.fromEntries(req.query) });
      const res = route(req, verb);
      return { ...res, headers: { 'x-amzn-requestid': requestId(), ...rateHeaders, ...res.headers } };
    };

    const route = (req: SandboxRequest, verb: 'GET' | 'POST' | 'PATCH'): SandboxResponse => {
      if (verb === 'GET' && req.path === ORDERS) return getOrders(req.query);
      if (verb === 'GET' && req.path === FINANCIAL_EVENTS) return refunds.listFinancialEvents(req.query);
      const l = LISTINGS.exec(req.path);
      if (verb === 'PATCH' && l?.[1] && l[2]) return patchListing(decodeURIComponent(l[1]), decodeURIComponent(l[2]), req.query, req.text);
      const m = ORDER_PATH.exec(req.path);
      if (!m?.[1]) return errors(404, 'NotFound', `${req.path} is not an SP-API resource`);
      const o = orders.get(decodeURIComponent(m[1]));
      if (!o) return errors(404, 'NotFound', `Order ${decodeURIComponent(m[1])} not found`);
      if (verb === 'GET' && m[2] === undefined) return jsonResponse({ payload: renderAmazonOrder(o) });
      if (verb === 'GET' && m[2] === '/orderItems') return orderItems(o, req.query);
      if (verb === 'POST' && m[2] === '/shipmentConfirmation') return confirm(o, req.text);
      return errors(405, 'MethodNotAllowed', `${verb} ${req.path} is not supported`);
    };

    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: (req, ctx) => handle(req, ctx.badSignature) });

    const system: AmazonSandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return {
          endpoint: server.url,
          marketplaceIds: [creds.marketplaceId],
          lwa: { clientId: creds.clientId, clientSecret: creds.clientSecret, refreshToken: creds.refreshToken, tokenUrl: `${server.url}${LWA_TOKEN_PATH}` },
          sellerId: creds.sellerId,
          listings: Object.fromEntries([...listings].map(([sku, l]) => [sku, { sellerSku: sku, productType: l.productType }])),
        };
      },
      placeOrder(raw) {
        const o = parseSandboxInput(AmazonOrderInput, raw, 'amazon sandbox placeOrder');
        if (orders.has(o.id)) throw new Error(`amazon sandbox placeOrder: id: order ${o.id} exists already (use updateOrder)`);
        const updated = o.updatedAt ?? clock();
        const order: AmazonOrder = {
          id: o.id,
          status: o.status,
          marketplaceId: o.marketplaceId,
          currency: o.currency,
          fulfillmentChannel: o.fulfillmentChannel,
          items: o.lines.map((l) => {
            if (!listings.has(l.sku)) listings.set(l.sku, { productType: 'HOME' });
            const id = String(nextItemId++);
            return { orderItemId: id, sku: l.sku, asin: l.asin ?? `B0${id.slice(-8)}`, title: l.title ?? l.sku, qty: l.qty, shipped: 0, price: l.price, promotion: l.promotion, shipping: l.shipping, tax: l.tax };
          }),
          shipTo: o.shipTo,
          purchased: o.purchasedAt ?? updated,
          updated,
        };
        orders.set(order.id, order);
        log.record('order.placed', order.id, { status: order.status });
        return amazonOrderState(order);
      },
      updateOrder(id, raw) {
        const patch = parseSandboxInput(AmazonOrderPatch, raw, 'amazon sandbox updateOrder');
        const o = orders.get(id);
        if (!o) throw new Error(`amazon sandbox updateOrder: id: no order ${id}`);
        if (patch.status) o.status = patch.status;
        o.updated = patch.updatedAt ?? clock();
        log.record('order.updated', id, { status: o.status, updated: iso(o.updated) });
        return amazonOrderState(o);
      },
      listItem(input) {
        const l = parseSandboxInput(z.object({ sku: z.string().min(1).max(40), productType: z.string().regex(/^[A-Z0-9_]+$/).default('HOME'), quantity: z.number().int().nonnegative().optional() }).strict(), input, 'amazon sandbox listItem');
        listings.set(l.sku, { productType: l.productType });
        if (l.quantity !== undefined) ledger.stock.set(l.sku, l.quantity);
      },
      refundOrder: (input) => refunds.refund(input),
      expireTokens() {
        for (const t of tokens.keys()) tokens.set(t, 0);
      },
      state() {
        const l = ledger.toJSON();
        return { orders: [...orders.values()].map(amazonOrderState), shipments: l.shipments, stock: l.stock, stockSets: l.stockSets, tokensIssued, refunds: refunds.all(), refused: Object.fromEntries(refused) };
      },
      close: () => server.close(),
    };
    return system;
  },
  /** What the contract kit calls: an order updated half an hour ago is pulled, shipped as one package, its refund listed, and its SKU's stock set. */
  contract(system: AmazonSandbox) {
    const orderId = '111-9990000-0000001';
    const sku = 'CONTRACT-SKU';
    const now = Date.now();
    const placed = system.placeOrder({ id: orderId, lines: [{ sku, qty: 2, price: 1299 }], updatedAt: new Date(now - 30 * 60_000) });
    const lineId = placed.items[0]?.orderItemId ?? '';
    system.refundOrder({ orderId, qty: 1, postedAt: new Date(now - 20 * 60_000) });
    return [
      {
        capability: CAPABILITY.ORDER_PULL,
        input: { window: { start: new Date(now - 2 * 3600_000).toISOString(), end: new Date(now - 5 * 60_000).toISOString() } },
        check: (out: unknown) => (JSON.stringify(out).includes(`"AmazonOrderId":"${orderId}"`) ? null : `order ${orderId} updated in the window was not pulled`),
      },
      {
        capability: CAPABILITY.SHIPMENT_CONFIRM,
        input: { orderId, marketplaceId: placed.marketplaceId, trackingNumber: '1Z0000000001', carrierCode: 'UPS', shipDate: new Date(now).toISOString(), lines: [{ lineId, quantity: 2 }] },
        check: () => (system.state().orders.find((o) => o.id === orderId)?.status === 'Shipped' ? null : `order ${orderId} is not Shipped in the sandbox`),
      },
      {
        capability: CAPABILITY.AFTER_SALES_PULL,
        input: { window: { start: new Date(now - 2 * 3600_000).toISOString(), end: new Date(now - 5 * 60_000).toISOString() } },
        check: (out: unknown) => (JSON.stringify(out).includes(`"AmazonOrderId":"${orderId}"`) ? null : `the refund posted on order ${orderId} was not listed`),
      },
      {
        capability: CAPABILITY.INVENTORY_PUSH,
        input: { warehouse: 'WH1', items: [{ sku, available: 4 }] },
        check: () => (system.state().stock[sku] === 4 ? null : `the sandbox holds ${String(system.state().stock[sku])} for ${sku}, not 4`),
      },
    ];
  },
} satisfies SandboxDefinition<AmazonSandbox>;
