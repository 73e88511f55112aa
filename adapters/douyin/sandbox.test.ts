import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
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
import douyin from './index.js';
import { DOUYIN_ERRORS, sandbox, type DouyinSandbox } from './sandbox.js';
import { DouyinTransport } from './transport.js';

/** The real Douyin adapter against the sandbox over 127.0.0.1, and the sandbox's pushes verified by the adapter. */
const T0 = new Date('2026-11-11T00:00:00+08:00');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const ID = { a: '6920000000000000011', b: '6920000000000000100', c: '6920000000000000200', d: '6920000000000000300' };

/** The after-sale id of a pushed after-sale message, as the adapter parsed it. */
const AfterSaleEvent = z.looseObject({ payload: z.looseObject({ data: z.looseObject({ aftersale_id: z.union([z.string(), z.number(), z.bigint()]) }) }) });

let sb: DouyinSandbox;
let engine: MappingEngine;
let hub: WebhookReceiver;
const received = () => hub.received;

async function adapter(overrides: Record<string, unknown> = {}): Promise<AdapterInstance> {
  return douyin.create(douyin.configSchema.parse({ ...sb.connectorConfig(), pageSize: 2, ...overrides }), testDeps(new Date()));
}

async function pullAll(a: AdapterInstance, start: Date, end: Date): Promise<unknown[]> {
  const out: unknown[] = [];
  let page: number | undefined;
  for (;;) {
    const r = (await a.invoke(CAPABILITY.ORDER_PULL, { window: { start: start.toISOString(), end: end.toISOString() }, ...(page !== undefined ? { page } : {}) }, testContext())) as { orders: unknown[]; nextPage: number | null };
    out.push(...r.orders);
    if (r.nextPage === null) return out;
    page = r.nextPage;
  }
}
const idOf = (o: unknown) => (o as { data: { shop_order_detail: { order_id: string } } }).data.shop_order_detail.order_id;
const rejection = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdapterError);
  return err as AdapterError;
};
const ship = async (a: AdapterInstance, orderId: string, trackingNumber = 'SF100', carrierCode = 'shunfeng') => a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId, trackingNumber, carrierCode }, testContext());

beforeAll(async () => {
  engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings') });
  await engine.loadAll();
  hub = await startWebhookReceiver(() => adapter());
  sb = await sandbox.start({ push: { hubUrl: hub.url }, channel: 'dy-main' });
  sb.placeOrder({ id: ID.a, lines: [{ sku: 'FT-1KG', qty: 2, price: 2950 }, { sku: 'CHILI', qty: 1, price: 1500 }], postAmount: 600, discount: 1000, modifiedAt: at(2) });
  sb.placeOrder({ id: ID.b, lines: [{ sku: 'FT-1KG', qty: 1, price: 2950 }], modifiedAt: at(6) });
  sb.placeOrder({ id: ID.c, status: 1, lines: [{ sku: 'CHILI', qty: 3, price: 1500 }], modifiedAt: at(10) });
  sb.placeOrder({ id: ID.d, lines: [{ sku: 'CHILI', qty: 1, price: 1500 }], modifiedAt: at(45) });
});
afterAll(async () => {
  await sb.close();
  await hub.close();
});

describe('douyin sandbox: order.pull and order.get', () => {
  it('serves the update-time window from page 0 backwards; details map to canonical orders', async () => {
    const a = await adapter();
    const orders = await pullAll(a, at(0), at(30));
    expect(orders.map(idOf).sort()).toEqual([ID.a, ID.b, ID.c]);
    const c = await mapInboundOrder(engine, 'douyin/order.v1', orders.find((o) => idOf(o) === ID.a), fixtureContext('douyin'));
    expect(c).toMatchObject({ status: 'paid', source: { platformOrderId: ID.a }, totals: { paid: { minor: 5900 + 1500 + 600 - 1000 } } });
    expect(c.recipient.name).toMatchObject({ ciphertext: '##SbxName01==#1##' });
    const unpaid = await mapInboundOrder(engine, 'douyin/order.v1', orders.find((o) => idOf(o) === ID.c), fixtureContext('douyin'));
    expect(unpaid.status).toBe('awaiting_payment');
    // Page 0 for the total, then page 1 and page 0; one detail per order.
    expect(sb.log.of('order.searchList').map((e) => (e.data as { page: number }).page)).toEqual([0, 1, 0]);
  });

  it('an after-sale moves the order into a later window; order.get sees it; an unknown order is refused', async () => {
    sb.updateOrder(ID.a, { afterSale: { sku: 'CHILI', status: 12 }, modifiedAt: at(50) });
    const a = await adapter();
    expect((await pullAll(a, at(40), at(60))).map(idOf).sort()).toEqual([ID.a, ID.d]);
    const detail = await a.invoke(CAPABILITY.ORDER_GET, { orderId: ID.a }, testContext());
    const c = await mapInboundOrder(engine, 'douyin/order.v1', detail, fixtureContext('douyin'));
    expect(c.lines.map((l) => [l.merchantSku, l.refundStatus])).toEqual([['FT-1KG', 'none'], ['CHILI', 'refunded']]);
    expect(await rejection(a.invoke(CAPABILITY.ORDER_GET, { orderId: '1' }, testContext()))).toMatchObject({ code: 'isv.business-failed', retryable: false });
  });
  it('order.searchList filters by the update window whatever it sorts by', async () => {
    const cfg = sb.connectorConfig() as { appKey: string; appSecret: string; accessToken: string; baseUrl: string };
    const t = new DouyinTransport({ ...cfg, timeoutMs: 5000, fetch: globalThis.fetch, now: () => new Date() });
    const secs = (d: Date) => Math.floor(d.getTime() / 1000);
    const data = await t.call('order.searchList', { update_time_start: secs(at(0)), update_time_end: secs(at(7)), order_by: 'create_time', page: 0, size: 10 }, new AbortController().signal);
    expect((data as { shop_order_list: { order_id: string }[] }).shop_order_list.map((o) => o.order_id)).toEqual([ID.b]);
  });
});

describe('douyin sandbox: pushes', () => {
  it('pushOrder sends a message the adapter verifies (event-sign) and parses to the order id', async () => {
    const r = await sb.pushOrder(ID.b);
    expect(r).toMatchObject({ status: 200, tag: '101' });
    expect(JSON.parse(r.body)).toEqual({ code: 0, msg: 'success' });
    const last = received().at(-1);
    expect(last?.path).toBe('/webhooks/douyin/dy-main');
    expect(last?.events).toEqual([{ messageId: r.msgId, topic: 'order.paid', orderId: ID.b, payload: expect.objectContaining({ tag: '101' }) }]);
    // What the hub does next: fetch the order the push names.
    const a = await adapter();
    expect(idOf(await a.invoke(CAPABILITY.ORDER_GET, { orderId: last?.events[0]?.orderId }, testContext()))).toBe(ID.b);
  });

  it('the tag follows the status; a repeated msgId is a re-push of the same message', async () => {
    sb.updateOrder(ID.c, { status: 4 });
    const first = await sb.pushOrder(ID.c, { channel: 'dy-two' });
    expect(first.tag).toBe('106');
    const again = await sb.pushOrder(ID.c, { msgId: first.msgId, channel: 'dy-two' });
    expect(received().slice(-2).map((r) => [r.path, r.events[0]?.messageId, r.events[0]?.topic])).toEqual([
      ['/webhooks/douyin/dy-two', first.msgId, 'order.cancelled'],
      ['/webhooks/douyin/dy-two', first.msgId, 'order.cancelled'],
    ]);
    expect(again.status).toBe(200);
    expect(sb.state().pushes.filter((p) => p.orderId === ID.c)).toHaveLength(2);
  });

  it('pushAfterSale sends the after-sale of a sku order under its tag; the adapter keeps it as an after-sales topic naming no order', async () => {
    // ID.a's CHILI line was refunded (12) in the pull tests above.
    const r = await sb.pushAfterSale(ID.a, { sku: 'CHILI' });
    expect(r).toMatchObject({ status: 200, tag: '206' });
    const ev = received().at(-1)?.events[0];
    expect(ev).toMatchObject({ messageId: r.msgId, topic: '206', orderId: null, payload: { tag: '206', data: { p_id: ID.a, aftersale_status: 12, refund_amount: 1500 } } });
    await expect(sb.pushAfterSale(ID.a, { sku: 'FT-1KG' })).rejects.toThrow(/has no after-sale/);
  });

  it('two sandboxes never push the same after-sale id: on one Temporal server they would name the same case', async () => {
    const [one, two] = [await sandbox.start({ push: { hubUrl: hub.url }, channel: 'dy-main' }), await sandbox.start({ push: { hubUrl: hub.url }, channel: 'dy-main' })];
    try {
      const ids: string[] = [];
      for (const s of [one, two]) {
        s.placeOrder({ id: ID.b, lines: [{ sku: 'FT-1KG', qty: 1, price: 2950 }, { sku: 'CHILI', qty: 1, price: 1500 }] });
        for (const sku of ['FT-1KG', 'CHILI']) {
          s.updateOrder(ID.b, { afterSale: { sku, status: 12 } });
          const r = await s.pushAfterSale(ID.b, { sku });
          expect(r.status).toBe(200);
          ids.push(String(AfterSaleEvent.parse(received().at(-1)?.events[0]).payload.data.aftersale_id));
        }
      }
      expect(new Set(ids).size).toBe(4);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('a push signed with another secret is refused by the adapter (401), and recorded so', async () => {
    const other = await sandbox.start({ push: { hubUrl: hub.url }, appSecret: 'someone-else' });
    try {
      other.placeOrder({ id: ID.b, lines: [{ sku: 'FT-1KG', qty: 1, price: 2950 }] });
      const r = await other.pushOrder(ID.b);
      expect(r.status).toBe(401);
      expect(other.log.of('push')).toEqual([expect.objectContaining({ key: ID.b, data: expect.objectContaining({ status: 401 }) })]);
    } finally {
      await other.close();
    }
  });

  it('pushOrder without a hub or for an unknown order says which', async () => {
    const lone = await sandbox.start();
    try {
      lone.placeOrder({ id: ID.a, lines: [{ sku: 'A', qty: 1, price: 1 }] });
      await expect(lone.pushOrder(ID.a)).rejects.toThrow(/push.hubUrl/);
    } finally {
      await lone.close();
    }
    await expect(sb.pushOrder('42')).rejects.toThrow(/no order 42/);
  });
});

describe('douyin sandbox: shipment.confirm (order.logisticsAdd)', () => {
  it('records the waybill under the order id and marks the order shipped', async () => {
    const a = await adapter();
    await expect(ship(a, ID.b, 'SF1000000001')).resolves.toEqual({ confirmed: true });
    expect(sb.state().shipments).toEqual([expect.objectContaining({ orderId: ID.b, companyCode: 'shunfeng', trackingNumber: 'SF1000000001' })]);
    expect(sb.state().orders.find((o) => o.orderId === ID.b)?.status).toBe(3);
  });

  it("answers Douyin's refusals: shipped 60110, refund pending 60040, refunded 60068, cancelled 60021, carrier 60018", async () => {
    const a = await adapter();
    expect(await rejection(ship(a, ID.b))).toMatchObject({ code: 'isv.business-failed:60110', retryable: false });
    sb.updateOrder(ID.d, { afterSale: { sku: 'CHILI', status: 6 } });
    expect((await rejection(ship(a, ID.d))).code).toBe('isv.business-failed:60040');
    sb.updateOrder(ID.d, { afterSale: { sku: 'CHILI', status: 12 } });
    expect(sb.state().orders.find((o) => o.orderId === ID.d)?.status).toBe(4);
    expect((await rejection(ship(a, ID.d))).code).toBe('isv.business-failed:60068');
    expect((await rejection(ship(a, ID.c))).code).toBe('isv.business-failed:60021');
    expect((await rejection(ship(a, ID.a, 'X1', 'no-such-courier'))).code).toBe('isv.business-failed:60018');
    expect(sb.state().shipments.map((s) => s.orderId)).toEqual([ID.b]);
  });
});

describe('douyin sandbox: inventory.push (sku.syncStock)', () => {
  it('sets absolute stock per listed SKU; an unknown listing is refused per SKU', async () => {
    const a = await adapter();
    await expect(a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'FT-1KG', available: 12 }, { sku: 'CHILI', available: 0 }] }, testContext())).resolves.toEqual({ pushed: 2, unmapped: [], rejected: [] });
    await a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'FT-1KG', available: 9 }] }, testContext());
    expect(sb.state().stock).toEqual({ 'FT-1KG': 9, CHILI: 0 });
    const ghost = await adapter({ listings: { GHOST: { productId: '1', skuId: '2' } } });
    expect(await ghost.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'GHOST', available: 1 }] }, testContext())).toMatchObject({ pushed: 0, rejected: [{ sku: 'GHOST', code: 'isv.business-failed' }] });
  });
});

describe('douyin sandbox: signatures and faults', () => {
  it('a wrong app secret is refused as a bad signature, not retried', async () => {
    const a = await adapter({ appSecret: 'wrong' });
    expect(await rejection(a.invoke(CAPABILITY.ORDER_GET, { orderId: ID.a }, testContext()))).toMatchObject({ code: 'isv.signature-invalid', retryable: false });
  });

  it('the bad-signature switch, scripted rate limits and 5xx', async () => {
    const a = await adapter();
    const get = () => a.invoke(CAPABILITY.ORDER_GET, { orderId: ID.a }, testContext());
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect((await rejection(get())).code).toBe('isv.signature-invalid');
    sb.failNext(DOUYIN_ERRORS.RATE_LIMITED, { method: 'order.orderDetail' });
    expect(await rejection(get())).toMatchObject({ retryable: true });
    sb.failNext(DOUYIN_ERRORS.SERVICE_UNAVAILABLE);
    expect(await rejection(get())).toMatchObject({ code: 'isp.service-error', retryable: true });
    sb.server.setFaults({ mode: SANDBOX_FAULT.GATEWAY_TIMEOUT, remaining: 1 });
    expect(await rejection(get())).toMatchObject({ code: 'http_504', retryable: true });
    expect(idOf(await get())).toBe(ID.a);
  });

  it('placeOrder and updateOrder name the bad field', () => {
    expect(() => sb.placeOrder({ id: '1', status: 7 as never, lines: [{ sku: 'A', qty: 0, price: 1 }] })).toThrow(/status[\s\S]*lines\.0\.qty/);
    expect(() => sb.updateOrder(ID.a, { afterSale: { status: 12 } })).toThrow(/afterSale\.sku: sku or lineId is required/);
    const s = sb.state();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
