import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../../_shared/platform-testing.js';
import { sandbox, type OwnStoreSandbox } from '../sandbox.js';
import { OwnStoreTransport } from '../transport.js';
import { pushInventory } from './inventory-push.js';
import { confirmShipment } from './shipment-confirm.js';

/** A context with its own idempotency key: the shop applies a repeated key once. */
let n = 0;
const ctx = (key = `wf-${++n}:step-1`) => ({ ...testContext(), idempotencyKey: key });
let sb: OwnStoreSandbox;
let transport: OwnStoreTransport;
let urls: { shipment: string; stock: string };
beforeAll(async () => {
  sb = await sandbox.start();
  const cfg = sb.connectorConfig();
  transport = new OwnStoreTransport({ callbackSecret: String(cfg['callbackSecret']), timeoutMs: 5000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
  urls = { shipment: String(cfg['shipmentUrl']), stock: String(cfg['stockUrl']) };
  sb.placeOrder({
    orderNo: 'MP-1',
    status: 'paid',
    createdAt: '2026-11-11T10:00:00+08:00',
    amounts: { goods: 100, freight: 0, discount: 0, paid: 100 },
    lines: [{ lineId: '1', sku: 'A', title: 'a', quantity: 1, unitPrice: 100 }],
    recipient: { name: '张三', phone: '13800138000' },
    address: { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园1号' },
  });
});
afterAll(() => sb.close());

describe('own-store shipment.confirm', () => {
  it('the shop records the shipment; a retried call with the same idempotency key applies once', async () => {
    const once = ctx();
    await expect(confirmShipment(transport, urls.shipment, { orderId: 'MP-1', trackingNumber: 'SF1', carrierCode: 'SF' }, once)).resolves.toEqual({ confirmed: true });
    await confirmShipment(transport, urls.shipment, { orderId: 'MP-1', trackingNumber: 'SF1', carrierCode: 'SF' }, once);
    expect(sb.state().shipments).toMatchObject([{ orderId: 'MP-1', trackingNumber: 'SF1', companyCode: 'SF' }]);
  });
  it('an unknown order is refused for good; bad input is refused before any call', async () => {
    await expect(confirmShipment(transport, urls.shipment, { orderId: 'MP-404', trackingNumber: 'SF1', carrierCode: 'SF' }, ctx())).rejects.toMatchObject({ code: 'unknown_order', retryable: false });
    const before = sb.server.requestCount;
    await expect(confirmShipment(transport, urls.shipment, { orderId: 'MP-1', carrierCode: 'SF' }, ctx())).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('trackingNumber') });
    expect(sb.server.requestCount).toBe(before);
  });
});

describe('own-store inventory.push', () => {
  it('sends every SKU (or only the configured ones) as absolute figures; a refusal is reported per SKU', async () => {
    const r = await pushInventory(transport, urls.stock, undefined, { warehouse: 'WH1', items: [{ sku: 'A', available: 4 }, { sku: 'B', available: -1 }] }, ctx());
    expect(r).toEqual({ pushed: 2, unmapped: [], rejected: [] });
    expect(sb.state().stock).toEqual({ A: 4, B: 0 });
    const only = await pushInventory(transport, urls.stock, ['A'], { warehouse: 'WH1', items: [{ sku: 'A', available: 5 }, { sku: 'C', available: 1 }] }, ctx());
    expect(sb.state().stock['A']).toBe(5);
    expect(only).toMatchObject({ pushed: 1, unmapped: ['C'] });
    sb.refuseNext({ code: 'sku_not_sold', message: 'not on the shelf' });
    const refused = await pushInventory(transport, urls.stock, undefined, { warehouse: 'WH1', items: [{ sku: 'D', available: 1 }] }, ctx());
    expect(refused.rejected).toMatchObject([{ sku: 'D', code: 'sku_not_sold' }]);
  });
});
