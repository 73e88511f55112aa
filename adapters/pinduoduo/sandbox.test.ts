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
import pinduoduo from './index.js';
import { PDD_ERRORS, sandbox, type PddSandbox } from './sandbox.js';
import { PddTransport } from './transport.js';
import { unixSeconds } from '../_shared/signing.js';

/** The real Pinduoduo adapter against the sandbox over 127.0.0.1. PDD serves windows ending >= 3 min ago, so the orders live hours back. */
const T0 = new Date(Math.floor((Date.now() - 3 * 3600_000) / 1000) * 1000);
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const SN = { a: '261111-452750051000001', b: '261111-452750051000002', c: '261111-452750051000003', d: '261111-452750051000004' };

let sb: PddSandbox;
let engine: MappingEngine;

async function adapter(overrides: Record<string, unknown> = {}): Promise<AdapterInstance> {
  return pinduoduo.create(pinduoduo.configSchema.parse({ ...sb.connectorConfig(), pageSize: 2, ...overrides }), testDeps(new Date()));
}
async function pullAll(a: AdapterInstance, start: Date, end: Date): Promise<unknown[]> {
  const out: unknown[] = [];
  let page: number | undefined;
  for (;;) {
    const r = (await a.invoke(CAPABILITY.ORDER_PULL, { window: { start: start.toISOString(), end: end.toISOString() }, ...(page ? { page } : {}) }, testContext())) as { orders: unknown[]; nextPage: number | null };
    out.push(...r.orders);
    if (r.nextPage === null) return out;
    page = r.nextPage;
  }
}
const snOf = (o: unknown) => (o as { order_info_get_response: { order_info: { order_sn: string } } }).order_info_get_response.order_info.order_sn;
const rejection = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdapterError);
  return err as AdapterError;
};
const ship = (a: AdapterInstance, orderId: string, trackingNumber = 'ZT100', carrierCode = '115') => a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId, trackingNumber, carrierCode }, testContext());

beforeAll(async () => {
  engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings') });
  await engine.loadAll();
  sb = await sandbox.start();
  sb.placeOrder({ id: SN.a, lines: [{ sku: 'TOWEL-BLUE-2', qty: 2, price: 2990 }, { sku: 'SOAP', qty: 1, price: 990 }], discount: 500, modifiedAt: at(1) });
  sb.placeOrder({ id: SN.b, lines: [{ sku: 'SOAP', qty: 3, price: 990 }], postage: 600, modifiedAt: at(5) });
  sb.placeOrder({ id: SN.c, lines: [{ sku: 'SOAP', qty: 1, price: 990 }], modifiedAt: at(9) });
  sb.placeOrder({ id: SN.d, lines: [{ sku: 'TOWEL-BLUE-2', qty: 1, price: 2990 }], modifiedAt: at(45) });
});
afterAll(async () => {
  await sb.close();
});

describe('pinduoduo sandbox: order.pull', () => {
  it('serves the updated_at window from the last page back; the details map with ciphertext kept', async () => {
    const orders = await pullAll(await adapter(), at(0), at(30));
    expect(orders.map(snOf).sort()).toEqual([SN.a, SN.b, SN.c]);
    const c = await mapInboundOrder(engine, 'pinduoduo/order.v1', orders.find((o) => snOf(o) === SN.a), fixtureContext('pinduoduo'));
    expect(c).toMatchObject({ status: 'paid', totals: { paid: { minor: 5980 + 990 - 500 } }, address: { province: '江苏省', district: '吴中区' } });
    expect(c.recipient.name).toMatchObject({ ciphertext: '~AgAAAAFxSbxName01~0~' });
    expect(sb.log.of('pdd.order.number.list.increment.get').map((e) => (e.data as { page: number }).page)).toEqual([1, 2, 1]);
  });

  it('a refund moves the order to the later window with refund_status 4', async () => {
    sb.updateOrder(SN.a, { refundStatus: 4, modifiedAt: at(50) });
    const a = await adapter();
    expect((await pullAll(a, at(0), at(30))).map(snOf).sort()).toEqual([SN.b, SN.c]);
    const later = await pullAll(a, at(40), at(60));
    expect(later.map(snOf).sort()).toEqual([SN.a, SN.d]);
    const c = await mapInboundOrder(engine, 'pinduoduo/order.v1', later.find((o) => snOf(o) === SN.a), fixtureContext('pinduoduo'));
    expect(c.status).toBe('closed_by_refund');
  });

  it('refuses a window ending within 3 minutes of its clock, and one longer than 30 minutes', async () => {
    const cfg = sb.connectorConfig() as { clientId: string; clientSecret: string; accessToken: string; baseUrl: string };
    const t = new PddTransport({ ...cfg, timeoutMs: 5000, fetch: globalThis.fetch, now: () => new Date() });
    const list = (start: Date, end: Date) => t.call('pdd.order.number.list.increment.get', { start_updated_at: String(unixSeconds(start)), end_updated_at: String(unixSeconds(end)), page: '1', page_size: '10' }, new AbortController().signal);
    const now = new Date();
    await expect(list(new Date(now.getTime() - 600_000), now)).rejects.toMatchObject({ code: 'pdd_10000', message: expect.stringContaining('3 minutes') });
    await expect(list(at(0), at(40))).rejects.toMatchObject({ code: 'pdd_10000', message: expect.stringContaining('30 minutes') });
    await expect(list(at(0), at(30))).resolves.toMatchObject({ order_sn_increment_get_response: { total_count: 2 } });
  });
});

describe('pinduoduo sandbox: shipment.confirm (pdd.logistics.online.send)', () => {
  it('records the waybill and logistics_id under the order_sn; the order turns shipped with its ciphertext gone', async () => {
    const a = await adapter();
    await expect(ship(a, SN.b, 'ZT1000000001')).resolves.toEqual({ confirmed: true });
    expect(sb.state().shipments).toEqual([expect.objectContaining({ orderId: SN.b, companyCode: '115', trackingNumber: 'ZT1000000001', kind: 'confirm' })]);
    expect(sb.state().orders.find((o) => o.orderSn === SN.b)?.status).toBe(2);
  });

  it('refuses a refunded, a refunding and an already shipped order, and an unknown courier; none retried', async () => {
    const a = await adapter();
    for (const [sn, text] of [
      [SN.a, '已退款'],
      [SN.b, '已发货'],
    ] as const)
      expect(await rejection(ship(a, sn))).toMatchObject({ code: 'pdd_10000', retryable: false, message: expect.stringContaining(text) });
    sb.updateOrder(SN.c, { refundStatus: 3 });
    expect((await rejection(ship(a, SN.c))).message).toContain('退款中');
    expect((await rejection(ship(a, SN.d, 'X', '99999'))).message).toContain('快递公司');
    expect(sb.state().shipments.map((s) => s.orderId)).toEqual([SN.b]);
    expect(sb.log.count('ship.refused')).toBe(4);
  });
});

describe('pinduoduo sandbox: inventory.push (pdd.goods.quantity.update)', () => {
  it('overwrites stock per listed SKU; an unknown goods_id is refused for that SKU only', async () => {
    const a = await adapter({ listings: { ...(sb.connectorConfig()['listings'] as object), GHOST: { goodsId: '1', skuId: '2' } } });
    const r = await a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH', items: [{ sku: 'SOAP', available: 40 }, { sku: 'GHOST', available: 1 }, { sku: 'TOWEL-BLUE-2', available: 3 }] }, testContext());
    expect(r).toMatchObject({ pushed: 2, unmapped: [], rejected: [{ sku: 'GHOST', code: 'pdd_10000' }] });
    expect(sb.state().stock).toEqual({ SOAP: 40, 'TOWEL-BLUE-2': 3 });
  });
});

describe('pinduoduo sandbox: signatures and faults', () => {
  it('a wrong client secret gets the signature error; a wrong token the token error', async () => {
    expect(await rejection(ship(await adapter({ clientSecret: 'wrong' }), SN.d))).toMatchObject({ code: 'pdd_20004', retryable: false });
    expect(await rejection(ship(await adapter({ accessToken: 'stale' }), SN.d))).toMatchObject({ code: 'pdd_10019', retryable: false });
  });

  it('bad-signature switch, scripted overload codes (retryable), 429', async () => {
    const a = await adapter();
    const push = () => a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH', items: [{ sku: 'SOAP', available: 7 }] }, testContext());
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect(await push()).toMatchObject({ pushed: 0, rejected: [{ code: 'pdd_20004' }] });
    sb.failNext(PDD_ERRORS.CALLED_TOO_OFTEN, { method: 'pdd.goods.quantity.update' });
    expect(await rejection(push())).toMatchObject({ code: 'pdd_70031', retryable: true });
    sb.failNext(PDD_ERRORS.SERVICE_BUSY);
    expect(await rejection(push())).toMatchObject({ code: 'pdd_52101', retryable: true });
    sb.server.setFaults({ mode: SANDBOX_FAULT.RATE_LIMITED, remaining: 1 });
    expect(await rejection(push())).toMatchObject({ code: 'http_429', retryable: true });
    await expect(push()).resolves.toMatchObject({ pushed: 1 });
    expect(sb.state().stock['SOAP']).toBe(7);
  });

  it('placeOrder names the bad field; state() is plain JSON', () => {
    expect(() => sb.placeOrder({ id: '12345', lines: [{ sku: 'A', qty: 1, price: 1 }] })).toThrow(/id: an order_sn like/);
    expect(() => sb.updateOrder(SN.a, { refundStatus: 9 as never })).toThrow(/refundStatus/);
    const s = sb.state();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
