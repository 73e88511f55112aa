import { randomUUID } from 'node:crypto';
import type { SandboxDefinition, SandboxRequest, SandboxResponse, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { hubRoute, jsonResponse, parseSandboxInput, PlatformLedger, pushToHub, startPlatformServer, type PushResult } from '../../src/sandbox/platform-kit.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { signErpBody, verifyErpSignature } from '../legacy-erp/signature.js';
import { ADAPTER_ID, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, type OWN_STORE_EVENTS } from './constants.js';
import { OwnStoreOrder } from './order-format.js';

/**
 * A seller's own shop in memory: it sends signed order events to the hub and takes the hub's
 * signed shipment (POST /hub/shipments) and stock (POST /hub/stock) callbacks, checking the
 * signature and the timestamp, answering {"ok": true} or {"ok": false, code, message}. A
 * repeated idempotency key is answered ok without applying twice. Under the BAD_SIGNATURE fault
 * it answers 401 {"ok": false, "code": "invalid_signature"}, as it would for a wrong secret.
 */

export interface OwnStoreSandboxOptions extends SandboxStartOptions {
  webhookSecret?: string;
  callbackSecret?: string;
  channel?: string;
}

export interface OwnStoreSandbox extends SandboxSystem {
  /** Records an order (the own-store format) the shop can then send as events. */
  placeOrder(order: OwnStoreOrder): void;
  /** Sends one signed event carrying the whole order (default order.paid); `id` repeats an earlier event. */
  sendEvent(orderNo: string, opts?: { type?: (typeof OWN_STORE_EVENTS)[number]; id?: string; channel?: string; timestamp?: number }): Promise<PushResult & { id: string }>;
  /** The shop refuses the next callbacks with its own answer. */
  refuseNext(answer: { code: string; message: string; retryable?: boolean }, times?: number): void;
  state(): { orders: string[]; shipments: ReturnType<PlatformLedger['toJSON']>['shipments']; stock: Record<string, number>; callbacks: number };
}

const TOLERANCE_S = 300;

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: OwnStoreSandboxOptions = {}): Promise<OwnStoreSandbox> {
    const clock = opts.clock ?? (() => new Date());
    const secrets = { webhook: opts.webhookSecret ?? 'sandbox-own-store-webhook-secret', callback: opts.callbackSecret ?? 'sandbox-own-store-callback-secret' };
    const log = new SandboxLog(ADAPTER_ID, clock);
    const ledger = new PlatformLedger(log, clock);
    const orders = new Map<string, OwnStoreOrder>();
    const seenKeys = new Set<string>();
    const refusals: { code: string; message: string; retryable?: boolean }[] = [];
    let callbacks = 0;

    const no = (status: number, code: string, message: string, retryable?: boolean): SandboxResponse => jsonResponse({ ok: false, code, message, ...(retryable === undefined ? {} : { retryable }) }, status);
    const apply: Record<string, (b: Record<string, unknown>) => SandboxResponse> = {
      '/hub/shipments': (b) => {
        const [orderNo, trackingNumber, carrierCode] = [b['orderNo'], b['trackingNumber'], b['carrierCode']];
        if (typeof orderNo !== 'string' || typeof trackingNumber !== 'string' || typeof carrierCode !== 'string') return no(400, 'invalid_body', 'orderNo, trackingNumber, carrierCode: strings');
        if (!orders.has(orderNo)) return no(404, 'unknown_order', `no order ${orderNo}`);
        ledger.ship('shipment', { orderId: orderNo, companyCode: carrierCode, trackingNumber, lineIds: null, kind: 'confirm' });
        return jsonResponse({ ok: true });
      },
      '/hub/stock': (b) => {
        const [sku, available] = [b['sku'], b['available']];
        if (typeof sku !== 'string' || typeof available !== 'number' || !Number.isInteger(available) || available < 0) return no(400, 'invalid_body', 'sku: string, available: integer >= 0');
        ledger.setStock('stock', { sku, quantity: available, listing: sku });
        return jsonResponse({ ok: true });
      },
    };

    const handle = (req: SandboxRequest, badSignature: boolean): SandboxResponse => {
      const impl = apply[req.path];
      if (req.method !== 'POST' || !impl) return no(404, 'not_found', `no route ${req.method} ${req.path}`);
      callbacks++;
      const verdict = verifyErpSignature({ headers: req.headers, rawBody: req.rawBody }, { secret: secrets.callback, toleranceSeconds: TOLERANCE_S }, clock().getTime());
      if (badSignature || !verdict.ok) {
        log.record('callback.refused', req.path, { reason: verdict.ok ? 'fault' : verdict.reason });
        return no(401, 'invalid_signature', 'signature does not match');
      }
      const refusal = refusals.shift();
      if (refusal) return no(200, refusal.code, refusal.message, refusal.retryable);
      const key = req.headers[IDEMPOTENCY_HEADER];
      if (key && seenKeys.has(key)) return jsonResponse({ ok: true, duplicate: true });
      let body: unknown;
      try {
        body = parseJsonSafe(req.text);
      } catch {
        return no(400, 'invalid_body', 'not JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return no(400, 'invalid_body', 'a JSON object');
      const res = impl(body as Record<string, unknown>);
      if (res.status === 200 && key) seenKeys.add(key);
      return res;
    };

    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: (req, ctx) => handle(req, ctx.badSignature) });

    const system: OwnStoreSandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return { webhookSecret: secrets.webhook, callbackSecret: secrets.callback, shipmentUrl: `${server.url}/hub/shipments`, stockUrl: `${server.url}/hub/stock` };
      },
      placeOrder(raw) {
        const o = parseSandboxInput(OwnStoreOrder, raw, 'own-store sandbox placeOrder');
        orders.set(o.orderNo, raw);
        log.record('order.placed', o.orderNo, { status: o.status });
      },
      async sendEvent(orderNo, o = {}) {
        const order = orders.get(orderNo);
        if (!order) throw new Error(`own-store sandbox sendEvent: orderNo: no order ${orderNo}`);
        const hub = opts.push?.hubUrl;
        if (!hub) throw new Error('own-store sandbox sendEvent: push.hubUrl: not set (start the sandbox with push: { hubUrl })');
        const id = o.id ?? `evt-${randomUUID()}`;
        const body = JSON.stringify({ id, type: o.type ?? 'order.paid', order });
        const ts = String(o.timestamp ?? Math.floor(clock().getTime() / 1000));
        const url = hubRoute(hub, `/webhooks/own-store/${o.channel ?? opts.channel ?? ADAPTER_ID}`);
        const res = await pushToHub({ log, kind: 'event', key: orderNo, url, body, headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: signErpBody(secrets.webhook, ts, body) } });
        return { ...res, id };
      },
      refuseNext(answer, times = 1) {
        for (let i = 0; i < times; i++) refusals.push(answer);
      },
      state() {
        const l = ledger.toJSON();
        return { orders: [...orders.keys()], shipments: l.shipments, stock: l.stock, callbacks };
      },
      close: () => server.close(),
    };
    return system;
  },
  /** What the contract kit calls: a shipment of a known order, then one SKU's stock. */
  contract(system: OwnStoreSandbox) {
    const orderNo = 'MP-CONTRACT-0001';
    system.placeOrder({
      orderNo,
      status: 'paid',
      createdAt: '2026-11-11T10:00:00+08:00',
      amounts: { goods: 1990, freight: 0, discount: 0, paid: 1990 },
      lines: [{ lineId: '1', sku: 'CONTRACT-SKU', title: 'Contract item', quantity: 1, unitPrice: 1990 }],
      recipient: { name: '张三', phone: '13800138000' },
      address: { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园1号' },
    });
    return [
      {
        capability: CAPABILITY.SHIPMENT_CONFIRM,
        input: { orderId: orderNo, trackingNumber: 'SF0000000001', carrierCode: 'SF' },
        check: () => (system.state().shipments.some((s) => s.orderId === orderNo && s.trackingNumber === 'SF0000000001') ? null : 'the shop recorded no shipment'),
      },
      {
        capability: CAPABILITY.INVENTORY_PUSH,
        input: { warehouse: 'WH1', items: [{ sku: 'CONTRACT-SKU', available: 3 }] },
        check: () => (system.state().stock['CONTRACT-SKU'] === 3 ? null : `the shop holds ${String(system.state().stock['CONTRACT-SKU'])} for CONTRACT-SKU, not 3`),
      },
    ];
  },
} satisfies SandboxDefinition<OwnStoreSandbox>;
