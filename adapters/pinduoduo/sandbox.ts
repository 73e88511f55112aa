import { createHash, randomUUID } from 'node:crypto';
import type { SandboxDefinition, SandboxRequest, SandboxResponse, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { ErrorScript, jsonResponse, parseSandboxInput, PlatformLedger, PlatformListings, startPlatformServer, type SandboxListingInput } from '../../src/sandbox/platform-kit.js';
import type { BookedRefund, PlatformBooks } from '../../src/sandbox/platform-books.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { ADAPTER_ID } from './constants.js';
import { PDD_ERRORS, pddMethods, type PddError } from './sandbox-methods.js';
import { pddRefunds, type PddRefundInput, type PddRefundPatch, type renderRefund } from './sandbox-refunds.js';
import { orderState, PddOrderInput, PddOrderPatch, PDD_REFUND_STATUS, type PddOrder } from './sandbox-orders.js';

export { PDD_ERRORS, type PddError };

/**
 * The Pinduoduo open platform's api/router in memory: form POSTs with `type`, client_id,
 * access_token, timestamp (unix seconds), data_type=JSON and sign = upper(MD5(secret + sorted
 * k+v + secret)), checked here with its own implementation; answers PDD's error_response bodies.
 */
export const PDD_ROUTER_PATH = '/api/router';

export interface PddSandboxOptions extends SandboxStartOptions {
  clientId?: string;
  clientSecret?: string;
  accessToken?: string;
}

export interface PddSandbox extends SandboxSystem {
  placeOrder(input: PddOrderInput): ReturnType<typeof orderState>;
  /** Ships/receives (order_status), refunds (refund_status, per order on PDD), changes the address; bumps updated_at. */
  updateOrder(orderSn: string, patch: PddOrderPatch): ReturnType<typeof orderState>;
  listItem(input: SandboxListingInput): { sku: string; goodsId: string; skuId: string };
  failNext(error: PddError, opts?: { method?: string; times?: number }): void;
  /** A buyer's after-sales request on an order (pdd.refund.list.increment.get lists it); the order's refund_status follows. */
  openRefund(input: PddRefundInput): ReturnType<typeof renderRefund>;
  /** Moves an after-sale to another after_sales_status (10 退款成功, 11 买家撤销, ...). */
  updateRefund(id: number, patch: PddRefundPatch): ReturnType<typeof renderRefund>;
  state(): PddSandboxState;
  /**
   * The platform's own money figures: every order (PDD shows only paid ones) with its pay_amount,
   * and the refunds paid out: each after-sale that reached 退款成功, or, for an order set to
   * refund_status 4 without one, the whole pay_amount (refunds are per order on PDD).
   */
  books(): PlatformBooks;
}

export interface PddSandboxState {
  orders: ReturnType<typeof orderState>[];
  shipments: ReturnType<PlatformLedger['toJSON']>['shipments'];
  stock: Record<string, number>;
  stockSets: ReturnType<PlatformLedger['toJSON']>['stockSets'];
  refunds: ReturnType<typeof renderRefund>[];
}

function pddSign(params: Record<string, string>, secret: string): string {
  const s = Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => `${k}${params[k] ?? ''}`)
    .join('');
  return createHash('md5')
    .update(secret + s + secret, 'utf8')
    .digest('hex')
    .toUpperCase();
}

/** Pinduoduo settles in yuan. */
const CURRENCY = 'CNY';

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: PddSandboxOptions = {}): Promise<PddSandbox> {
    const clock = opts.clock ?? (() => new Date());
    const creds = { clientId: opts.clientId ?? 'sandbox-pdd-client', clientSecret: opts.clientSecret ?? 'sandbox-pdd-secret', accessToken: opts.accessToken ?? 'sandbox-pdd-token' };
    const log = new SandboxLog(ADAPTER_ID, clock);
    const ledger = new PlatformLedger(log, clock);
    const listings = new PlatformListings('pinduoduo sandbox', { item: 350_000_000_000n, sku: 1_200_000_000_000n });
    const orders = new Map<string, PddOrder>();
    const script = new ErrorScript<PddError>();
    const refunds = pddRefunds({ orders, log, clock });
    const methods = { ...pddMethods({ orders, listings, ledger, log, clock }), ...refunds.methods };

    const fail = (e: PddError): SandboxResponse => jsonResponse({ error_response: { ...e, request_id: randomUUID() } });
    const refuse = (e: PddError, type: string | null): SandboxResponse => {
      log.record('request.refused', type, { error_code: e.error_code });
      return fail(e);
    };
    const handle = (req: SandboxRequest, badSignature: boolean): SandboxResponse => {
      if (req.path !== PDD_ROUTER_PATH) return { status: 404, body: 'Not Found' };
      const p: Record<string, string> = Object.fromEntries(req.query);
      if (req.method === 'POST') Object.assign(p, Object.fromEntries(new URLSearchParams(req.text)));
      const type = p['type'] ?? null;
      const missing = ['type', 'client_id', 'timestamp', 'sign'].find((k) => !p[k]);
      if (missing) return refuse({ error_code: 10000, error_msg: '参数错误', sub_code: '10000', sub_msg: `${missing}: required` }, type);
      if (p['client_id'] !== creds.clientId) return refuse({ error_code: 10016, error_msg: 'client_id不存在', sub_code: '10016', sub_msg: 'client_id不存在' }, type);
      if (!/^\d{10}$/.test(p['timestamp'] ?? '')) return refuse({ error_code: 10000, error_msg: '参数错误', sub_code: '10000', sub_msg: 'timestamp: unix seconds' }, type);
      if (badSignature || p['sign'] !== pddSign(p, creds.clientSecret)) return refuse(PDD_ERRORS.SIGNATURE, type);
      if (p['access_token'] !== creds.accessToken) return refuse(PDD_ERRORS.TOKEN_EXPIRED, type);
      const impl = type ? methods[type] : undefined;
      if (!type || !impl) return refuse({ error_code: 10000, error_msg: '参数错误', sub_code: '10000', sub_msg: `type: no such API ${type ?? ''}` }, type);
      const scripted = script.take(type);
      if (scripted) {
        log.record('request.failed', type, { error_code: scripted.error_code });
        return fail(scripted);
      }
      const out = impl(p);
      return 'error' in out ? fail(out.error) : jsonResponse(out.ok);
    };

    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: (req, ctx) => handle(req, ctx.badSignature) });
    const orderOf = (sn: string) => {
      const o = orders.get(sn);
      if (!o) throw new Error(`pinduoduo sandbox updateOrder: orderSn: no order ${sn}`);
      return o;
    };

    const system: PddSandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return {
          clientId: creds.clientId,
          clientSecret: creds.clientSecret,
          accessToken: creds.accessToken,
          baseUrl: `${server.url}${PDD_ROUTER_PATH}`,
          listings: Object.fromEntries(listings.all().map((s) => [s.sku, { goodsId: s.itemId, skuId: s.skuId }])),
        };
      },
      placeOrder(raw) {
        const o = parseSandboxInput(PddOrderInput, raw, 'pinduoduo sandbox placeOrder');
        if (orders.has(o.id)) throw new Error(`pinduoduo sandbox placeOrder: id: order ${o.id} exists already (use updateOrder)`);
        const modified = o.modifiedAt ?? clock();
        const order: PddOrder = {
          sn: o.id,
          status: o.status,
          refundStatus: o.refundStatus,
          lines: o.lines.map((l) => {
            const at = listings.ensure(l.sku);
            return { sku: l.sku, goodsId: at.itemId, skuId: at.skuId, title: l.title ?? l.sku, qty: l.qty, price: l.price };
          }),
          postage: o.postage,
          discount: o.discount,
          receiver: o.receiver,
          buyerMemo: o.buyerMemo,
          remark: o.remark,
          created: o.createdAt ?? o.paidAt ?? modified,
          paid: o.paidAt ?? modified,
          modified,
          trackingNumber: undefined,
          logisticsId: undefined,
          shipped: undefined,
          refundedAt: o.refundStatus === PDD_REFUND_STATUS.REFUNDED ? modified : undefined,
        };
        if (o.discount > order.lines.reduce((a, l) => a + l.price * l.qty, 0) + o.postage) throw new Error('pinduoduo sandbox placeOrder: discount: larger than goods and postage');
        orders.set(order.sn, order);
        log.record('order.placed', order.sn, { status: order.status });
        return orderState(order);
      },
      updateOrder(sn, raw) {
        const patch = parseSandboxInput(PddOrderPatch, raw, 'pinduoduo sandbox updateOrder');
        const o = orderOf(sn);
        if (patch.status !== undefined) o.status = patch.status;
        if (patch.refundStatus !== undefined) o.refundStatus = patch.refundStatus;
        if (o.refundStatus === PDD_REFUND_STATUS.REFUNDED) o.refundedAt ??= patch.modifiedAt ?? clock();
        if (patch.receiver) o.receiver = { ...o.receiver, ...patch.receiver };
        if (patch.remark !== undefined) o.remark = patch.remark;
        o.modified = patch.modifiedAt ?? clock();
        log.record('order.updated', sn, { status: o.status, refundStatus: o.refundStatus, fields: Object.keys(patch) });
        return orderState(o);
      },
      listItem(input) {
        const s = listings.list(input);
        return { sku: s.sku, goodsId: s.itemId, skuId: s.skuId };
      },
      failNext(error, o = {}) {
        script.failNext(error, { ...(o.method ? { api: o.method } : {}), ...(o.times ? { times: o.times } : {}) });
      },
      openRefund: (input) => refunds.open(input),
      updateRefund: (id, patch) => refunds.update(id, patch),
      state() {
        const l = ledger.toJSON();
        return { orders: [...orders.values()].map(orderState), shipments: l.shipments, stock: l.stock, stockSets: l.stockSets, refunds: refunds.all() };
      },
      books() {
        const pay = (o: PddOrder) => o.lines.reduce((a, l) => a + l.price * l.qty, 0) + o.postage - o.discount;
        const sales = [...orders.values()].map((o) => ({ orderId: o.sn, currency: CURRENCY, paidAt: o.paid.toISOString(), received: pay(o) }));
        const afterSales: BookedRefund[] = refunds.paidOut().map((r) => ({ orderId: r.orderSn, lineId: r.sku, currency: CURRENCY, amount: r.amount, refundedAt: r.at.toISOString() }));
        const withAfterSale = new Set(afterSales.map((r) => r.orderId));
        const whole: BookedRefund[] = [...orders.values()].flatMap((o) => (o.refundedAt && !withAfterSale.has(o.sn) ? [{ orderId: o.sn, lineId: null, currency: CURRENCY, amount: pay(o), refundedAt: o.refundedAt.toISOString() }] : []));
        return { sales, refunds: [...afterSales, ...whole], unpricedRefunds: [] };
      },
      close: () => server.close(),
    };
    return system;
  },
  /** What the contract kit calls: an order updated ten minutes ago is pulled, shipped, its SKU's stock set, and its refund request listed. */
  contract(system: PddSandbox) {
    const orderId = '260618-452750051000001';
    const sku = 'CONTRACT-SKU';
    const now = Date.now();
    // PDD windows end at least 3 minutes back (data settles) and span at most 30 minutes.
    const window = { start: new Date(now - 24 * 60_000).toISOString(), end: new Date(now - 4 * 60_000).toISOString() };
    system.placeOrder({ id: orderId, lines: [{ sku, qty: 1, price: 1990 }], modifiedAt: new Date(now - 10 * 60_000) });
    system.openRefund({ orderSn: orderId, modifiedAt: new Date(now - 8 * 60_000) });
    const names = (out: unknown) => JSON.stringify(out).includes(orderId);
    return [
      { capability: CAPABILITY.ORDER_PULL, input: { window }, check: (out: unknown) => (names(out) ? null : `order ${orderId} updated in the window was not pulled`) },
      {
        capability: CAPABILITY.SHIPMENT_CONFIRM,
        input: { orderId, trackingNumber: 'SF0000000001', carrierCode: '44' },
        check: () => (system.state().shipments.some((s) => s.orderId === orderId && s.trackingNumber === 'SF0000000001') ? null : 'the sandbox recorded no shipment'),
      },
      {
        capability: CAPABILITY.INVENTORY_PUSH,
        input: { warehouse: 'WH1', items: [{ sku, available: 3 }] },
        check: () => (system.state().stock[sku] === 3 ? null : `the sandbox holds ${String(system.state().stock[sku])} for ${sku}, not 3`),
      },
      { capability: CAPABILITY.AFTER_SALES_PULL, input: { window }, check: (out: unknown) => (names(out) ? null : `the refund request of ${orderId} was not listed`) },
    ];
  },
} satisfies SandboxDefinition<PddSandbox>;

export { PDD_REFUND_STATUS };
