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
import jd from './index.js';
import { JD_ERRORS, sandbox, type JdSandbox } from './sandbox.js';

/** The real JD adapter against the JOS sandbox over 127.0.0.1: signature, search windows, shipment, stock, faults. */
const T0 = new Date('2026-06-18T00:00:00+08:00');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const ID = { a: '300123456789', b: '300123456790', c: '300123456791', d: '300123456792', cancelled: '300123456793' };

let sb: JdSandbox;
let engine: MappingEngine;

async function adapter(overrides: Record<string, unknown> = {}): Promise<AdapterInstance> {
  return jd.create(jd.configSchema.parse({ ...sb.connectorConfig(), pageSize: 2, timeoutMs: 2000, ...overrides }), testDeps(new Date()));
}

async function rejection(p: Promise<unknown>): Promise<AdapterError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(e)}`);
  return e;
}

async function pullAll(a: AdapterInstance, start: Date, end: Date): Promise<{ orderId: string }[]> {
  const out: { orderId: string }[] = [];
  let page: number | undefined;
  for (;;) {
    const r = (await a.invoke(CAPABILITY.ORDER_PULL, { window: { start: start.toISOString(), end: end.toISOString() }, ...(page ? { page } : {}) }, testContext())) as { orders: { orderId: string }[]; nextPage: number | null };
    out.push(...r.orders);
    if (r.nextPage === null) return out;
    page = r.nextPage;
  }
}

beforeAll(async () => {
  sb = await sandbox.start();
  engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings'), limits: { timeoutMs: 10_000 } });
  await engine.loadAll();
  sb.placeOrder({ id: ID.a, lines: [{ sku: 'ZP-2026-01', qty: 1, price: 29900, title: '智能饮水机' }, { sku: 'FP-001', qty: 4, price: 1250 }], freight: 600, sellerDiscount: 2000, modifiedAt: at(1) });
  sb.placeOrder({ id: ID.b, lines: [{ sku: 'FP-001', qty: 1, price: 1250 }], modifiedAt: at(5) });
  sb.placeOrder({ id: ID.c, status: 'PAUSE', lines: [{ sku: 'FP-001', qty: 2, price: 1250 }], modifiedAt: at(9) });
  sb.placeOrder({ id: ID.d, lines: [{ sku: 'ZP-2026-01', qty: 1, price: 29900 }], modifiedAt: at(45) });
  sb.placeOrder({ id: ID.cancelled, status: 'TRADE_CANCELED', lines: [{ sku: 'FP-001', qty: 1, price: 1250 }], modifiedAt: at(46) });
});
afterAll(async () => {
  await sb.close();
});

describe('jd sandbox: order.pull', () => {
  it('serves the modified window across pages, read from the last page back; the orders map to canonical ones', async () => {
    const a = await adapter();
    const orders = await pullAll(a, at(0), at(30));
    expect(orders.map((o) => o.orderId).sort()).toEqual([ID.a, ID.b, ID.c]);
    // page 1 for the total, then the last page (2), then page 1 again
    expect(sb.log.of('jingdong.pop.order.search').map((e) => (e.data as { page: string }).page)).toEqual(['1', '2', '1']);
    const canonical = await mapInboundOrder(engine, 'jd/order.v1', orders.find((o) => o.orderId === ID.a), fixtureContext('jd'));
    expect(canonical.source.platformOrderId).toBe(ID.a);
    expect(canonical.totals.paid).toEqual({ minor: 29900 + 4 * 1250 - 2000 + 600, currency: 'CNY' });
    expect(canonical.lines.map((l) => [l.merchantSku, l.quantity])).toEqual([['ZP-2026-01', 1], ['FP-001', 4]]);
  });

  it('an update moves the order to the newer window', async () => {
    sb.updateOrder(ID.b, { venderRemark: '加急', modifiedAt: at(50) });
    const a = await adapter();
    expect((await pullAll(a, at(0), at(30))).map((o) => o.orderId).sort()).toEqual([ID.a, ID.c]);
    expect((await pullAll(a, at(40), at(60))).map((o) => o.orderId).sort()).toEqual([ID.b, ID.d, ID.cancelled]);
  });

  it('refuses what JOS refuses: a window over a month, a state list with an unknown state', async () => {
    const a = await adapter({ orderStates: ['WAIT_SELLER_STOCK_OUT', 'NOT_A_STATE'] });
    expect(await rejection(pullAll(a, at(0), at(30)))).toMatchObject({ retryable: false, code: 'jd_61', message: expect.stringContaining('NOT_A_STATE') });
  });
});

describe('jd sandbox: shipment.confirm', () => {
  it('records the waybill under the order and moves it to WAIT_GOODS_RECEIVE_CONFIRM', async () => {
    const a = await adapter();
    await expect(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: ID.a, trackingNumber: 'SF1000000001', carrierCode: '467' }, testContext())).resolves.toEqual({ confirmed: true });
    expect(sb.state().shipments).toEqual([expect.objectContaining({ orderId: ID.a, companyCode: '467', trackingNumber: 'SF1000000001', kind: 'confirm' })]);
    expect(sb.state().orders.find((o) => o.orderId === ID.a)).toMatchObject({ state: 'WAIT_GOODS_RECEIVE_CONFIRM', waybill: 'SF1000000001' });
  });

  it("refuses a second shipment and a paused order with JD's errorCode, not retried", async () => {
    const a = await adapter();
    const again = await rejection(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: ID.a, trackingNumber: 'SF2', carrierCode: '467' }, testContext()));
    expect(again).toMatchObject({ code: 'jd_business_10400002', retryable: false });
    const paused = await rejection(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: ID.c, trackingNumber: 'SF3', carrierCode: '467' }, testContext()));
    expect(paused.code).toBe('jd_business_10400002');
    expect(sb.state().shipments.map((s) => s.orderId)).toEqual([ID.a]);
    expect(sb.log.of('ship.refused').map((e) => e.key)).toEqual([ID.a, ID.c]);
  });
});

describe('jd sandbox: inventory.push', () => {
  it('overwrites each listed SKU and reports the unlisted one', async () => {
    const a = await adapter();
    const r = await a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'FP-001', available: 7 }, { sku: 'ZP-2026-01', available: -1 }, { sku: 'NOT-LISTED', available: 1 }] }, testContext());
    expect(r).toEqual({ pushed: 2, unmapped: ['NOT-LISTED'], rejected: [] });
    expect(sb.state().stock).toEqual({ 'FP-001': 7, 'ZP-2026-01': 0 });
  });

  it('reports a skuId the shop does not have as rejected for that SKU', async () => {
    const a = await adapter({ listings: { GHOST: { skuId: '999' } } });
    const r = await a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'GHOST', available: 3 }] }, testContext());
    expect(r).toMatchObject({ pushed: 0, rejected: [{ sku: 'GHOST' }] });
  });
});

describe('jd sandbox: signatures and faults', () => {
  const ship = (a: AdapterInstance, id: string) => a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: id, trackingNumber: 'X1', carrierCode: '467' }, testContext());

  it('refuses a wrong secret (signature) and a wrong token, neither retried', async () => {
    expect(await rejection(ship(await adapter({ appSecret: 'not-the-secret' }), ID.d))).toMatchObject({ code: 'jd_14', retryable: false });
    expect(await rejection(ship(await adapter({ accessToken: 'someone-else' }), ID.d))).toMatchObject({ code: 'jd_19', retryable: false });
    expect(sb.state().refused).toMatchObject({ '14': 1, '19': 1 });
    expect(sb.state().shipments.some((s) => s.orderId === ID.d)).toBe(false);
  });

  it('the bad-signature switch refuses the counted requests, then signatures check again', async () => {
    const a = await adapter();
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect(await rejection(pullAll(a, at(0), at(1)))).toMatchObject({ code: 'jd_14' });
    expect(sb.server.faults.mode).toBe(SANDBOX_FAULT.NONE);
    await expect(pullAll(a, at(0), at(1))).resolves.toBeInstanceOf(Array);
  });

  it('a scripted backend timeout (66) and a call limit are retryable, then the call goes through', async () => {
    const a = await adapter();
    sb.failNext(JD_ERRORS.BACKEND_TIMEOUT, { method: 'jingdong.stock.write.updateSkuStock' });
    sb.failNext(JD_ERRORS.CALL_LIMITED, { method: 'jingdong.stock.write.updateSkuStock' });
    const push = () => a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'FP-001', available: 5 }] }, testContext());
    expect(await rejection(push())).toMatchObject({ code: 'jd_66', retryable: true });
    expect(await rejection(push())).toMatchObject({ code: 'jd_85', retryable: true });
    await expect(push()).resolves.toMatchObject({ pushed: 1 });
    expect(sb.state().stock['FP-001']).toBe(5);
  });

  it('HTTP faults (5xx, 504, 429, malformed body, hang) reach the adapter as retryable and change nothing', async () => {
    const a = await adapter({ timeoutMs: 300 });
    for (const f of [{ mode: SANDBOX_FAULT.SERVER_ERROR, status: 502 }, { mode: SANDBOX_FAULT.GATEWAY_TIMEOUT }, { mode: SANDBOX_FAULT.RATE_LIMITED, retryAfterSeconds: 2 }, { mode: SANDBOX_FAULT.MALFORMED }, { mode: SANDBOX_FAULT.HANG }] as const) {
      sb.server.setFaults({ ...f, remaining: 1 });
      expect(await rejection(ship(a, ID.d)), f.mode).toMatchObject({ retryable: true });
    }
    expect(sb.state().shipments.some((s) => s.orderId === ID.d)).toBe(false);
    await expect(ship(a, ID.d)).resolves.toEqual({ confirmed: true });
  });
});

describe('jd sandbox: extras', () => {
  it('placeOrder and updateOrder name the bad field', () => {
    expect(() => sb.placeOrder({ id: 'JD-1', lines: [] })).toThrow(/id: .*digits[\s\S]*lines/);
    expect(() => sb.placeOrder({ id: ID.a, lines: [{ sku: 'X', qty: 1, price: 1 }] })).toThrow(/exists already/);
    expect(() => sb.updateOrder('1', { venderRemark: 'x' })).toThrow(/no order 1/);
    expect(() => sb.updateOrder(ID.a, { status: 'SHIPPED' as never })).toThrow(/status/);
  });

  it('state() is plain JSON', () => {
    const s = sb.state();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
