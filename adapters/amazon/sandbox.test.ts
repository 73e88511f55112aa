import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { MappingEngine } from '../../src/mapping/engine.js';
import { fixtureContext } from '../../src/mapping/fixtures.js';
import { mapInboundOrder } from '../../src/mapping/inbound.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { packageRoot } from '../../src/util/package-info.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import amazon from './index.js';
import { sandbox, type AmazonSandbox } from './sandbox.js';

/** The real Amazon adapter against the SP-API sandbox over 127.0.0.1: LWA, getOrders paging, items, shipment, listings, quotas, faults. */
const HOUR = 3600_000;
const T0 = new Date(Date.now() - 10 * HOUR);
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const ID = { a: '111-0000001-0000001', b: '111-0000001-0000002', c: '111-0000001-0000003', late: '111-0000001-0000004' };

let sb: AmazonSandbox;
let engine: MappingEngine;

async function adapter(overrides: Record<string, unknown> = {}, box: AmazonSandbox = sb): Promise<AdapterInstance> {
  return amazon.create(amazon.configSchema.parse({ ...box.connectorConfig(), timeoutMs: 2000, ...overrides }), testDeps(new Date()));
}

async function rejection(p: Promise<unknown>): Promise<AdapterError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(e)}`);
  return e;
}

type Pulled = { order: { AmazonOrderId: string }; items: { OrderItemId: string }[] };
async function pullAll(a: AdapterInstance, start: Date, end: Date): Promise<Pulled[]> {
  const out: Pulled[] = [];
  let page: string | undefined;
  for (;;) {
    const r = (await a.invoke(CAPABILITY.ORDER_PULL, { window: { start: start.toISOString(), end: end.toISOString() }, ...(page ? { page } : {}) }, testContext())) as { orders: Pulled[]; nextPage: string | null };
    out.push(...r.orders);
    if (r.nextPage === null) return out;
    page = r.nextPage;
  }
}

beforeAll(async () => {
  sb = await sandbox.start({ ordersPageSize: 2, itemsPageSize: 1 });
  engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings'), limits: { timeoutMs: 10_000 } });
  await engine.loadAll();
  sb.placeOrder({ id: ID.a, lines: [{ sku: 'US-CANDLE-3PK', qty: 3, price: 1000, promotion: 100, tax: 63 }, { sku: 'US-MUG-BLUE', qty: 1, price: 2499, tax: 175, shipping: 599 }], updatedAt: at(1) });
  sb.placeOrder({ id: ID.b, lines: [{ sku: 'US-MUG-BLUE', qty: 2, price: 2499 }], updatedAt: at(5) });
  sb.placeOrder({ id: ID.c, status: 'Pending', lines: [{ sku: 'US-MUG-BLUE', qty: 1, price: 2499 }], updatedAt: at(9) });
  sb.placeOrder({ id: ID.late, lines: [{ sku: 'US-CANDLE-3PK', qty: 1, price: 1000 }], updatedAt: at(120) });
});
afterAll(async () => {
  await sb.close();
});

describe('amazon sandbox: order.pull', () => {
  it('pages getOrders by NextToken and getOrderItems per order; the documents map to canonical orders', async () => {
    const a = await adapter();
    const orders = await pullAll(a, at(0), at(30));
    expect(orders.map((o) => o.order.AmazonOrderId)).toEqual([ID.a, ID.b, ID.c]);
    expect(orders[0]?.items.map((i) => i.OrderItemId)).toHaveLength(2);
    // Two getOrders pages; items a page each: 2 for A, 1 for B, 1 for C. One LWA exchange for all.
    expect(sb.log.count('getOrders')).toBe(2);
    expect(sb.log.count('getOrderItems')).toBe(4);
    expect(sb.state().tokensIssued).toBe(1);
    const canonical = await mapInboundOrder(engine, 'amazon/order.v1', orders[0], fixtureContext('amazon'));
    expect(canonical.source.platformOrderId).toBe(ID.a);
    expect(canonical.totals.paid).toEqual({ minor: 3 * 1000 + 63 - 100 + 2499 + 175 + 599, currency: 'USD' });
  });

  it('refuses a LastUpdatedBefore less than two minutes ago, as Amazon does (the adapter checks first)', async () => {
    const a = await adapter();
    expect(await rejection(pullAll(a, at(0), new Date()))).toMatchObject({ code: 'invalid_input', retryable: false });
    const cfg = sb.connectorConfig() as { endpoint: string; lwa: { tokenUrl: string; clientId: string; clientSecret: string; refreshToken: string } };
    const tok = (await (await fetch(cfg.lwa.tokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cfg.lwa.refreshToken, client_id: cfg.lwa.clientId, client_secret: cfg.lwa.clientSecret }) })).json()) as { access_token: string };
    const q = new URLSearchParams({ MarketplaceIds: 'ATVPDKIKX0DER', LastUpdatedAfter: at(0).toISOString(), LastUpdatedBefore: new Date().toISOString() });
    const res = await fetch(`${cfg.endpoint}/orders/v0/orders?${q.toString()}`, { headers: { 'x-amz-access-token': tok.access_token } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ code: 'InvalidInput', message: expect.stringContaining('two minutes'), details: '' }] });
  });
});

describe('amazon sandbox: shipment.confirm', () => {
  const ship = (a: AdapterInstance, orderId: string, lines: { lineId: string; quantity: number }[], ref = '1') =>
    a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId, marketplaceId: 'ATVPDKIKX0DER', trackingNumber: `1Z${ref}`, carrierCode: 'UPS', shipDate: new Date().toISOString(), packageReferenceId: ref, lines }, testContext());
  const itemsOf = (id: string) => sb.state().orders.find((o) => o.id === id)?.items ?? [];

  it('ships package by package: PartiallyShipped, then Shipped; a retried package changes nothing', async () => {
    const a = await adapter();
    const [candle, mug] = itemsOf(ID.a);
    if (!candle || !mug) throw new Error('order A has two items');
    await expect(ship(a, ID.a, [{ lineId: candle.orderItemId, quantity: 3 }], '1')).resolves.toEqual({ confirmed: true });
    expect(sb.state().orders.find((o) => o.id === ID.a)?.status).toBe('PartiallyShipped');
    await expect(ship(a, ID.a, [{ lineId: candle.orderItemId, quantity: 3 }], '1')).resolves.toEqual({ confirmed: true });
    await ship(a, ID.a, [{ lineId: mug.orderItemId, quantity: 1 }], '2');
    expect(sb.state().orders.find((o) => o.id === ID.a)?.status).toBe('Shipped');
    expect(sb.state().shipments.map((s) => [s.orderId, s.trackingNumber])).toEqual([[ID.a, '1Z1'], [ID.a, '1Z2']]);
  });

  it('refuses a pending order and an over-shipped item with InvalidInput, not retried', async () => {
    const a = await adapter();
    const pending = await rejection(ship(a, ID.c, [{ lineId: itemsOf(ID.c)[0]?.orderItemId ?? '', quantity: 1 }]));
    expect(pending).toMatchObject({ code: 'InvalidInput', retryable: false, details: { status: 400 } });
    const over = await rejection(ship(a, ID.b, [{ lineId: itemsOf(ID.b)[0]?.orderItemId ?? '', quantity: 3 }]));
    expect(over.message).toContain('exceeds');
    expect(sb.state().shipments.map((s) => s.orderId)).not.toContain(ID.b);
  });
});

describe('amazon sandbox: inventory.push', () => {
  it('patches fulfillment_availability per listed SKU; a product-type mismatch is INVALID and an unknown SKU 404, each for its SKU', async () => {
    const a = await adapter({ listings: { 'US-MUG-BLUE': { sellerSku: 'US-MUG-BLUE', productType: 'HOME' }, 'US-CANDLE-3PK': { sellerSku: 'US-CANDLE-3PK', productType: 'LUGGAGE' }, GHOST: { sellerSku: 'GHOST', productType: 'HOME' } } });
    const r = await a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'US-MUG-BLUE', available: 7 }, { sku: 'US-CANDLE-3PK', available: 2 }, { sku: 'GHOST', available: 1 }] }, testContext());
    expect(r).toMatchObject({ pushed: 1, unmapped: [], rejected: [{ sku: 'US-CANDLE-3PK', code: '4000003' }, { sku: 'GHOST', code: 'NOT_FOUND' }] });
    expect(sb.state().stock).toEqual({ 'US-MUG-BLUE': 7 });
  });
});

describe('amazon sandbox: tokens, quotas and faults', () => {
  it('a wrong client secret is invalid_client, a revoked refresh token invalid_grant; neither retried', async () => {
    const cfg = sb.connectorConfig() as { lwa: Record<string, string> };
    expect(await (await adapter({ lwa: { ...cfg.lwa, clientSecret: 'wrong' } })).testConnection()).toMatchObject({ ok: false, detail: expect.stringContaining('invalid_client') });
    const e = await rejection((await adapter({ lwa: { ...cfg.lwa, refreshToken: 'Atzr|revoked' } })).invoke(CAPABILITY.ORDER_PULL, { window: { start: at(0).toISOString(), end: at(1).toISOString() } }, testContext()));
    expect(e).toMatchObject({ code: 'lwa_invalid_grant', retryable: false });
  });

  it('an expired access token is answered 403 "expired": the adapter drops it, retries, and gets a new one', async () => {
    const a = await adapter();
    await pullAll(a, at(0), at(1));
    const issued = sb.state().tokensIssued;
    sb.expireTokens();
    expect(await rejection(pullAll(a, at(0), at(1)))).toMatchObject({ code: 'Unauthorized', retryable: true });
    await expect(pullAll(a, at(0), at(1))).resolves.toEqual([]);
    expect(sb.state().tokensIssued).toBe(issued + 1);
  });

  it("spends getOrders' burst, then 429 QuotaExceeded with the plan's rate and a Retry-After the adapter keeps", async () => {
    const now = new Date();
    const box = await sandbox.start({ clock: () => now, usagePlans: { getOrders: { rate: 0.0167, burst: 2 } } });
    try {
      const a = await adapter({}, box);
      const pull = () => a.invoke(CAPABILITY.ORDER_PULL, { window: { start: new Date(now.getTime() - HOUR).toISOString(), end: new Date(now.getTime() - 5 * 60_000).toISOString() } }, testContext());
      await pull();
      await pull();
      const e = await rejection(pull());
      expect(e).toMatchObject({ code: 'QuotaExceeded', retryable: true, details: { status: 429, retryAfterMs: 60_000 } });
      expect(box.state().refused).toEqual({ '429 QuotaExceeded': 1 });
    } finally {
      await box.close();
    }
  });

  it('HTTP faults (5xx, 504, 429, malformed, hang) are retryable; the bad-signature switch is a 403 denial', async () => {
    const a = await adapter({ timeoutMs: 300 });
    await a.testConnection();
    for (const f of [{ mode: SANDBOX_FAULT.SERVER_ERROR, status: 503 }, { mode: SANDBOX_FAULT.GATEWAY_TIMEOUT }, { mode: SANDBOX_FAULT.RATE_LIMITED, retryAfterSeconds: 3 }, { mode: SANDBOX_FAULT.MALFORMED }, { mode: SANDBOX_FAULT.HANG }] as const) {
      sb.server.setFaults({ ...f, remaining: 1 });
      expect(await rejection(pullAll(a, at(0), at(1))), f.mode).toMatchObject({ retryable: true });
    }
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect(await rejection(pullAll(a, at(0), at(1)))).toMatchObject({ code: 'Unauthorized', retryable: false, details: { status: 403 } });
    await expect(pullAll(a, at(0), at(1))).resolves.toEqual([]);
  });
});

describe('amazon sandbox: extras', () => {
  it('placeOrder and updateOrder name the bad field', () => {
    expect(() => sb.placeOrder({ id: '111-1', lines: [] })).toThrow(/id: .*3-7-7[\s\S]*lines/);
    expect(() => sb.updateOrder('111-0000000-0000000', { status: 'Shipped' })).toThrow(/no order/);
    expect(() => sb.updateOrder(ID.a, { status: 'Sent' as never })).toThrow(/status/);
  });

  it('state() is plain JSON', () => {
    const s = sb.state();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
