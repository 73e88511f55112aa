import { z } from 'zod';
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
import { startWebhookReceiver, type WebhookReceiver } from '../_shared/webhook-receiver.test-helper.js';
import shopify from './index.js';
import { sandbox, type ShopifySandbox } from './sandbox.js';

/** Shopify webhooks from the sandbox verified by the real adapter, and the adapter's Admin REST against the sandbox. */
let sb: ShopifySandbox;
let hub: WebhookReceiver;
let engine: MappingEngine;

async function adapter(overrides: Record<string, unknown> = {}): Promise<AdapterInstance> {
  return shopify.create(shopify.configSchema.parse({ ...sb.connectorConfig(), ...overrides }), testDeps(new Date()));
}
const rejection = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdapterError);
  return err as AdapterError;
};
const admin = async (method: string, p: string, body?: unknown) => {
  const cfg = sb.connectorConfig() as { adminBaseUrl: string; apiVersion: string; adminAccessToken: string };
  const res = await fetch(`${cfg.adminBaseUrl}/admin/api/${cfg.apiVersion}/${p}`, { method, headers: { 'x-shopify-access-token': cfg.adminAccessToken, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings') });
  await engine.loadAll();
  hub = await startWebhookReceiver(() => adapter(), { ok: true });
  sb = await sandbox.start({ push: { hubUrl: hub.url } });
  sb.placeOrder({ id: '450789469', lines: [{ sku: 'IPOD2008PINK', qty: 1, price: 19900 }, { sku: 'IPOD2008BLUE', qty: 2, price: 19900 }], shipping: 1000, discount: 2000 });
  sb.placeOrder({ id: '450789470', lines: [{ sku: 'IPOD2008BLUE', qty: 1, price: 19900 }] });
});
afterAll(async () => {
  await sb.close();
  await hub.close();
});

/** An order topic's event carries the order as the generic webhook route reads it: payload.order. */
const orderIn = (payload: unknown): unknown => z.object({ order: z.unknown() }).parse(payload).order;

describe('shopify sandbox: webhooks', () => {
  it('orders/create is signed so the adapter verifies it, with the headers the hub reads; the body maps', async () => {
    const r = await sb.pushOrder('450789469', { topic: 'orders/create' });
    expect(r.status).toBe(200);
    const got = hub.received.at(-1);
    expect(got?.path).toBe('/webhooks/shopify');
    expect(got?.headers).toMatchObject({ 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'zhongshu-sandbox.myshopify.com', 'x-shopify-webhook-id': r.webhookId });
    expect(got?.events[0]).toMatchObject({ messageId: r.webhookId, topic: 'orders/create', orderId: '450789469' });
    const c = await mapInboundOrder(engine, 'shopify/order.v1', orderIn(got?.events[0]?.payload), { ...fixtureContext('shopify'), currency: 'USD' });
    expect(c).toMatchObject({ status: 'paid', currency: 'USD', totals: { paid: { minor: 59700 - 2000 + 1000 } } });
    expect(c.lines.map((l) => [l.merchantSku, l.quantity])).toEqual([['IPOD2008PINK', 1], ['IPOD2008BLUE', 2]]);
  });

  it('a refund then orders/updated carries the new financial status; a retry keeps its webhook id', async () => {
    sb.updateOrder('450789470', { refundLine: { sku: 'IPOD2008BLUE', quantity: 1 } });
    const r = await sb.pushOrder('450789470');
    expect(r.topic).toBe('orders/updated');
    const c = await mapInboundOrder(engine, 'shopify/order.v1', orderIn(hub.received.at(-1)?.events[0]?.payload), { ...fixtureContext('shopify'), currency: 'USD' });
    expect(c.status).toBe('closed_by_refund');
    await sb.pushOrder('450789470', { webhookId: r.webhookId });
    expect(hub.received.slice(-2).map((x) => x.events[0]?.messageId)).toEqual([r.webhookId, r.webhookId]);
  });

  it('a delayed webhook carries the order as it was when rendered (older updated_at) and arrives after a newer one', async () => {
    sb.placeOrder({ id: '450789471', financialStatus: 'pending', lines: [{ sku: 'IPOD2008BLUE', qty: 1, price: 19900 }] });
    const late = sb.delayPush('450789471');
    await new Promise((r) => setTimeout(r, 5));
    sb.updateOrder('450789471', { financialStatus: 'paid' });
    const newer = await sb.pushOrder('450789471');
    const stale = await late.deliver();
    expect(stale).toMatchObject({ status: 200, topic: 'orders/updated' });
    expect(stale.webhookId).not.toBe(newer.webhookId);
    const ctx = { ...fixtureContext('shopify'), currency: 'USD' };
    const [a, b] = hub.received.slice(-2).map((x) => orderIn(x.events[0]?.payload));
    const [n, o] = [await mapInboundOrder(engine, 'shopify/order.v1', a, ctx), await mapInboundOrder(engine, 'shopify/order.v1', b, ctx)];
    expect([n.status, o.status]).toEqual(['paid', 'awaiting_payment']);
    expect(typeof o.updatedAt).toBe('string');
    expect(Date.parse(String(o.updatedAt))).toBeLessThan(Date.parse(String(n.updatedAt)));
  });

  it('a webhook signed with another secret is refused by the adapter', async () => {
    const other = await sandbox.start({ push: { hubUrl: hub.url }, webhookSecret: 'not-ours' });
    try {
      other.placeOrder({ id: '1', lines: [{ sku: 'A', qty: 1, price: 100 }] });
      expect((await other.pushOrder('1')).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('shopify sandbox: inventory.push (inventory_levels/set.json)', () => {
  it('sets available at the location for each listed SKU and reports the Shopify call limit', async () => {
    const a = await adapter();
    await expect(a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH', items: [{ sku: 'IPOD2008PINK', available: 4 }, { sku: 'IPOD2008BLUE', available: 0 }, { sku: 'NOPE', available: 1 }] }, testContext())).resolves.toEqual({ pushed: 2, unmapped: ['NOPE'], rejected: [] });
    expect(sb.state().stock).toEqual({ IPOD2008PINK: 4, IPOD2008BLUE: 0 });
  });

  it('an unknown inventory item is 404 and a wrong location 422, each reported per SKU; a bad token is 401', async () => {
    const ghost = await adapter({ listings: { GHOST: { inventoryItemId: '1' } } });
    expect(await ghost.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH', items: [{ sku: 'GHOST', available: 1 }] }, testContext())).toMatchObject({ rejected: [{ sku: 'GHOST', code: 'http_404' }] });
    const elsewhere = await adapter({ locationId: '1' });
    expect(await elsewhere.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH', items: [{ sku: 'IPOD2008PINK', available: 1 }] }, testContext())).toMatchObject({ rejected: [{ code: 'http_422', message: expect.stringContaining('Location not found') }] });
    const stale = await adapter({ adminAccessToken: 'shpat_revoked' });
    expect(await stale.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH', items: [{ sku: 'IPOD2008PINK', available: 1 }] }, testContext())).toMatchObject({ rejected: [{ code: 'http_401' }] });
    expect(sb.state().stock['IPOD2008PINK']).toBe(4);
  });

  it('throttling (429 with Retry-After) and scripted 5xx are retried by the adapter; the bad-token switch is 401', async () => {
    const a = await adapter();
    const push = () => a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH', items: [{ sku: 'IPOD2008PINK', available: 9 }] }, testContext());
    sb.failNext({ status: 429, errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.', retryAfterSeconds: 2 });
    expect(await rejection(push())).toMatchObject({ code: 'http_429', retryable: true, details: { retryAfterMs: 2000 } });
    sb.server.setFaults({ mode: SANDBOX_FAULT.SERVER_ERROR, remaining: 1 });
    expect(await rejection(push())).toMatchObject({ retryable: true });
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect(await push()).toMatchObject({ rejected: [{ code: 'http_401' }] });
    await expect(push()).resolves.toMatchObject({ pushed: 1 });
    expect(sb.state().stock['IPOD2008PINK']).toBe(9);
  });
});

describe('shopify sandbox: fulfillments', () => {
  it('fulfils a fulfillment order (whole or by line), records the tracking, and refuses a closed one', async () => {
    const fo = await admin('GET', 'orders/450789469/fulfillment_orders.json');
    const order = (fo.body['fulfillment_orders'] as { id: number; status: string; line_items: { id: number; fulfillable_quantity: number }[] }[])[0];
    expect(order).toMatchObject({ status: 'open' });
    const first = order?.line_items[0];
    const part = await admin('POST', 'fulfillments.json', { fulfillment: { line_items_by_fulfillment_order: [{ fulfillment_order_id: order?.id, fulfillment_order_line_items: [{ id: first?.id, quantity: 1 }] }], tracking_info: { company: 'China Post', number: 'LX123' }, notify_customer: false } });
    expect(part).toMatchObject({ status: 201, body: { fulfillment: { status: 'success', tracking_number: 'LX123' } } });
    expect(sb.state().orders.find((o) => o.id === '450789469')?.fulfillmentStatus).toBe('partial');
    const rest = await admin('POST', 'fulfillments.json', { fulfillment: { line_items_by_fulfillment_order: [{ fulfillment_order_id: order?.id }], tracking_info: { company: 'China Post', number: 'LX124' } } });
    expect(rest.status).toBe(201);
    expect(sb.state().orders.find((o) => o.id === '450789469')?.fulfillmentStatus).toBe('fulfilled');
    expect(sb.state().shipments.map((s) => [s.orderId, s.companyCode, s.trackingNumber, s.lineIds])).toEqual([
      ['450789469', 'China Post', 'LX123', [String(Number(first?.id) - 1)]],
      ['450789469', 'China Post', 'LX124', null],
    ]);
    // 450789470 was fully refunded above: its fulfillment order is closed.
    const closed = await admin('GET', 'orders/450789470/fulfillment_orders.json');
    const closedFo = (closed.body['fulfillment_orders'] as { id: number; status: string }[])[0];
    expect(closedFo?.status).toBe('closed');
    const refused = await admin('POST', 'fulfillments.json', { fulfillment: { line_items_by_fulfillment_order: [{ fulfillment_order_id: closedFo?.id }], tracking_info: { company: 'China Post', number: 'LX9' } } });
    expect(refused).toMatchObject({ status: 422, body: { errors: [expect.stringContaining('unfulfillable')] } });
    expect(sb.state().shipments.some((s) => s.orderId === '450789470')).toBe(false);
    expect(sb.log.of('ship.refused').map((e) => e.key)).toEqual(['450789470']);
  });
});

describe('shopify sandbox: shipment.confirm through the adapter', () => {
  const ship = (a: AdapterInstance, orderId: string, trackingNumber: string) => a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId, trackingNumber, carrierCode: 'SF Express' }, testContext());
  const shipmentsOf = (orderId: string) => sb.state().shipments.filter((s) => s.orderId === orderId).map((s) => [s.companyCode, s.trackingNumber, s.lineIds]);

  it('fulfils the whole order once with the tracking; a retry is a success that records nothing more', async () => {
    sb.placeOrder({ id: '450789480', lines: [{ sku: 'IPOD2008PINK', qty: 2, price: 19900 }, { sku: 'IPOD2008BLUE', qty: 1, price: 19900 }] });
    const a = await adapter();
    await expect(ship(a, '450789480', 'SF1000000001')).resolves.toMatchObject({ confirmed: true, fulfillmentIds: [expect.any(String)] });
    expect(shipmentsOf('450789480')).toEqual([['SF Express', 'SF1000000001', null]]);
    expect(sb.state().orders.find((o) => o.id === '450789480')?.fulfillmentStatus).toBe('fulfilled');
    await expect(ship(a, '450789480', 'SF1000000001')).resolves.toEqual({ confirmed: true, fulfillmentIds: [] });
    expect(shipmentsOf('450789480')).toHaveLength(1);
  });

  it('an order shipped with another number, or cancelled, is refused naming the order; nothing is recorded', async () => {
    const a = await adapter();
    expect(await rejection(ship(a, '450789480', 'SF1000000002'))).toMatchObject({ retryable: false, code: 'no-open-fulfillment-order', message: expect.stringContaining('order 450789480') });
    sb.placeOrder({ id: '450789481', lines: [{ sku: 'IPOD2008BLUE', qty: 1, price: 19900 }] });
    sb.updateOrder('450789481', { cancel: true, financialStatus: 'voided' });
    expect(await rejection(ship(a, '450789481', 'SF1000000003'))).toMatchObject({ code: 'no-open-fulfillment-order', message: expect.stringContaining('order 450789481') });
    expect(shipmentsOf('450789480')).toHaveLength(1);
    expect(shipmentsOf('450789481')).toEqual([]);
    expect(await rejection(ship(a, '999', 'SF1'))).toMatchObject({ code: 'http_404', retryable: false });
  });

  it('a throttled read or a 5xx create is retryable and records nothing; the next attempt ships once', async () => {
    sb.placeOrder({ id: '450789482', lines: [{ sku: 'IPOD2008PINK', qty: 1, price: 19900 }] });
    const a = await adapter();
    sb.failNext({ status: 429, errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.', retryAfterSeconds: 1 }, { path: 'orders/450789482/fulfillment_orders.json' });
    expect(await rejection(ship(a, '450789482', 'SF1000000004'))).toMatchObject({ code: 'http_429', retryable: true, details: { retryAfterMs: 1000 } });
    sb.failNext({ status: 503, errors: 'Service Unavailable' }, { path: 'fulfillments.json' });
    expect(await rejection(ship(a, '450789482', 'SF1000000004'))).toMatchObject({ code: 'http_503', retryable: true });
    expect(shipmentsOf('450789482')).toEqual([]);
    await expect(ship(a, '450789482', 'SF1000000004')).resolves.toMatchObject({ confirmed: true });
    expect(shipmentsOf('450789482')).toEqual([['SF Express', 'SF1000000004', null]]);
  });
});
