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
import { formatGmt8 } from '../_shared/signing.js';
import taobao from './index.js';
import { sandbox, TOP_ERRORS, type TaobaoSandbox } from './sandbox.js';
import { TopTransport } from './transport.js';

/** The real Taobao adapter against the sandbox over 127.0.0.1: signatures, pulls, shipments, stock. */
const T0 = new Date('2026-11-11T00:00:00+08:00');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const TID = { a: '4012345678901234567', b: '4012345678901234600', c: '4012345678901234700', d: '4012345678901234800' };

let sb: TaobaoSandbox;
let engine: MappingEngine;

async function adapter(overrides: Record<string, unknown> = {}): Promise<AdapterInstance> {
  return taobao.create(taobao.configSchema.parse({ ...sb.connectorConfig(), pageSize: 2, ...overrides }), testDeps(new Date()));
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

const tidOf = (o: unknown) => (o as { trade_fullinfo_get_response: { trade: { tid_str: string } } }).trade_fullinfo_get_response.trade.tid_str;
const rejection = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdapterError);
  return err as AdapterError;
};

beforeAll(async () => {
  sb = await sandbox.start();
  engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings') });
  await engine.loadAll();
  sb.placeOrder({ id: TID.a, lines: [{ sku: 'CUP-500', qty: 2, price: 12900 }, { sku: 'FILTER-3', qty: 3, price: 3990 }], postFee: 1000, discount: 3000, modifiedAt: at(1) });
  sb.placeOrder({ id: TID.b, lines: [{ sku: 'CUP-500', qty: 1, price: 12900 }], modifiedAt: at(5) });
  sb.placeOrder({ id: TID.c, status: 'WAIT_BUYER_PAY', lines: [{ sku: 'COVER', qty: 1, price: 1990 }], modifiedAt: at(9) });
  sb.placeOrder({ id: TID.d, lines: [{ sku: 'COVER', qty: 4, price: 1990 }], modifiedAt: at(45) });
});
afterAll(async () => {
  await sb.close();
});

describe('taobao sandbox: order.pull', () => {
  it('serves the modified window newest-first across pages; the documents map to canonical orders with exact tids', async () => {
    const a = await adapter();
    const orders = await pullAll(a, at(0), at(30));
    expect(orders.map(tidOf).sort()).toEqual([TID.a, TID.b, TID.c]);
    const first = orders.find((o) => tidOf(o) === TID.a);
    // tid travels as a bare int64 literal beyond 2^53; the adapter's safe parser keeps it exact.
    expect(first).toMatchObject({ trade_fullinfo_get_response: { trade: { tid: TID.a, orders: { order: [{ oid: '4012345678901234568' }, { oid: '4012345678901234569' }] } } } });
    const canonical = await mapInboundOrder(engine, 'taobao/order.v1', first, fixtureContext('taobao'));
    expect(canonical.source.platformOrderId).toBe(TID.a);
    // goods 2 x 129.00 + 3 x 39.90, freight 10.00, discount 30.00
    expect(canonical.totals.paid).toEqual({ minor: 25800 + 11970 + 1000 - 3000, currency: 'CNY' });
    expect(canonical.lines.map((l) => l.paid?.minor ?? 0).reduce((x, y) => x + y, 0)).toBe(25800 + 11970 - 3000);
    expect(canonical.lines.map((l) => [l.merchantSku, l.quantity])).toEqual([['CUP-500', 2], ['FILTER-3', 3]]);
    // Three list calls (page 1 for the total, then pages 2 and 1) and one detail per trade.
    expect(sb.log.count('taobao.trades.sold.increment.get')).toBe(3);
    expect(sb.log.count('taobao.trade.fullinfo.get')).toBe(3);
  });

  it('an update moves the trade to the newer window with its new state', async () => {
    sb.updateOrder(TID.a, { refund: { sku: 'FILTER-3', status: 'SUCCESS' }, modifiedAt: at(50) });
    const a = await adapter();
    expect((await pullAll(a, at(0), at(30))).map(tidOf).sort()).toEqual([TID.b, TID.c]);
    const later = await pullAll(a, at(40), at(60));
    expect(later.map(tidOf).sort()).toEqual([TID.a, TID.d]);
    const canonical = await mapInboundOrder(engine, 'taobao/order.v1', later.find((o) => tidOf(o) === TID.a), fixtureContext('taobao'));
    expect(canonical.lines.map((l) => l.refundStatus)).toEqual(['none', 'refunded']);
  });

  it('without `type` the router leaves fixed-price trades out, as TOP does', async () => {
    const cfg = sb.connectorConfig() as { appKey: string; appSecret: string; sessionKey: string; baseUrl: string };
    const t = new TopTransport({ appKey: cfg.appKey, appSecret: cfg.appSecret, session: cfg.sessionKey, signMethod: 'md5', baseUrl: cfg.baseUrl, timeoutMs: 5000, fetch: globalThis.fetch, now: () => new Date() });
    const body = await t.call('taobao.trades.sold.increment.get', { fields: 'tid', start_modified: formatGmt8(at(0)), end_modified: formatGmt8(at(60)) }, new AbortController().signal);
    expect(body).toEqual({ trades_sold_increment_get_response: { total_results: 0 } });
  });
});

describe('taobao sandbox: index lag', () => {
  it('lists a write only once the index shows it, with the modified time indexed so far; the detail is always current', async () => {
    let now = at(100);
    const lagged = await sandbox.start({ indexLagMs: 60_000, clock: () => now });
    try {
      const cfg = lagged.connectorConfig() as { appKey: string; appSecret: string; sessionKey: string; baseUrl: string };
      const t = new TopTransport({ appKey: cfg.appKey, appSecret: cfg.appSecret, session: cfg.sessionKey, signMethod: 'hmac-sha256', baseUrl: cfg.baseUrl, timeoutMs: 5000, fetch: globalThis.fetch, now: () => now });
      const signal = new AbortController().signal;
      const list = async (from: number, to: number) => {
        const b = (await t.call('taobao.trades.sold.increment.get', { fields: 'tid', type: 'fixed', start_modified: formatGmt8(at(from)), end_modified: formatGmt8(at(to)) }, signal)) as { trades_sold_increment_get_response: { trades?: { trade: { tid: string }[] } } };
        return (b.trades_sold_increment_get_response.trades?.trade ?? []).map((x) => x.tid);
      };
      lagged.placeOrder({ id: TID.a, lines: [{ sku: 'CUP-500', qty: 1, price: 100 }], modifiedAt: at(100) });
      expect(await list(90, 110)).toEqual([]);
      await expect(t.call('taobao.trade.fullinfo.get', { fields: 'tid', tid: TID.a }, signal)).resolves.toBeTruthy();
      now = at(101.5);
      expect(await list(90, 110)).toEqual([TID.a]);
      lagged.updateOrder(TID.a, { sellerMemo: 'late', modifiedAt: at(102) });
      // Until the update is indexed, the trade is still listed under its old modified time.
      expect(await list(101.9, 110)).toEqual([]);
      expect(await list(90, 101)).toEqual([TID.a]);
      now = at(103.5);
      expect(await list(101.9, 110)).toEqual([TID.a]);
      expect(await list(90, 101)).toEqual([]);
    } finally {
      await lagged.close();
    }
  });
});

describe('taobao sandbox: shipment.confirm', () => {
  it('records the waybill under the tid and moves the trade to WAIT_BUYER_CONFIRM_GOODS', async () => {
    const a = await adapter();
    await expect(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: TID.b, trackingNumber: 'SF1000000001', carrierCode: 'SF' }, testContext())).resolves.toEqual({ confirmed: true });
    expect(sb.state().shipments).toEqual([expect.objectContaining({ orderId: TID.b, companyCode: 'SF', trackingNumber: 'SF1000000001', lineIds: null, kind: 'confirm' })]);
    expect(sb.state().orders.find((o) => o.tid === TID.b)?.status).toBe('WAIT_BUYER_CONFIRM_GOODS');
    expect(sb.log.of('taobao.logistics.offline.send').map((e) => e.key)).toEqual([TID.b]);
  });

  it('refuses a second shipment and a closed trade with B04, which the adapter does not retry', async () => {
    const a = await adapter();
    const again = await rejection(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: TID.b, trackingNumber: 'SF2', carrierCode: 'SF' }, testContext()));
    expect(again).toMatchObject({ code: 'isv.logistics-offline-service-error:B04', retryable: false });
    sb.updateOrder(TID.d, { refund: { sku: 'COVER', status: 'SUCCESS' } });
    expect(sb.state().orders.find((o) => o.tid === TID.d)?.status).toBe('TRADE_CLOSED');
    const closed = await rejection(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: TID.d, trackingNumber: 'SF3', carrierCode: 'SF' }, testContext()));
    expect(closed.code).toBe('isv.logistics-offline-service-error:B04');
    expect(sb.state().shipments.map((s) => s.orderId)).toEqual([TID.b]);
    expect(sb.log.of('ship.refused').map((e) => e.key)).toEqual([TID.b, TID.d]);
  });

  it('an unpaid trade put on hold gets its pay_time; held trades are refused, released ones ship', async () => {
    const tid = '4012345678901238000';
    sb.placeOrder({ id: tid, status: 'WAIT_BUYER_PAY', lines: [{ sku: 'COVER', qty: 1, price: 1990 }] });
    expect(sb.state().orders.find((o) => o.tid === tid)?.paid).toBeNull();
    expect(sb.updateOrder(tid, { status: 'PAID_FORBID_CONSIGN' }).paid).not.toBeNull();
    const a = await adapter();
    expect((await rejection(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: tid, trackingNumber: 'H1', carrierCode: 'SF' }, testContext()))).code).toBe('isv.logistics-offline-service-error:B04');
    sb.updateOrder(tid, { status: 'WAIT_SELLER_SEND_GOODS' });
    await expect(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: tid, trackingNumber: 'H1', carrierCode: 'SF' }, testContext())).resolves.toEqual({ confirmed: true });
  });

  it('ships part of a trade by sub_tid, then the rest', async () => {
    const tid = '4012345678901239000';
    const placed = sb.placeOrder({ id: tid, lines: [{ sku: 'CUP-500', qty: 1, price: 12900 }, { sku: 'COVER', qty: 1, price: 1990 }] });
    const [l1, l2] = placed.lines.map((l) => l.oid);
    const a = await adapter();
    await a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: tid, trackingNumber: 'YT1', carrierCode: 'YTO', lineIds: [l1] }, testContext());
    expect(sb.state().orders.find((o) => o.tid === tid)?.status).toBe('SELLER_CONSIGNED_PART');
    const whole = await rejection(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: tid, trackingNumber: 'YT2', carrierCode: 'YTO' }, testContext()));
    expect(whole.code).toBe('isv.logistics-offline-service-error:CD23');
    await a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: tid, trackingNumber: 'YT2', carrierCode: 'YTO', lineIds: [l2] }, testContext());
    expect(sb.state().orders.find((o) => o.tid === tid)?.status).toBe('WAIT_BUYER_CONFIRM_GOODS');
    expect(sb.state().shipments.filter((s) => s.orderId === tid).map((s) => [s.trackingNumber, s.lineIds])).toEqual([['YT1', [l1]], ['YT2', [l2]]]);
  });

  it('consign.resend changes the waybill of a shipped trade only', async () => {
    const cfg = sb.connectorConfig() as { appKey: string; appSecret: string; sessionKey: string; baseUrl: string };
    const t = new TopTransport({ appKey: cfg.appKey, appSecret: cfg.appSecret, session: cfg.sessionKey, signMethod: 'hmac', baseUrl: cfg.baseUrl, timeoutMs: 5000, fetch: globalThis.fetch, now: () => new Date() });
    const signal = new AbortController().signal;
    await expect(t.call('taobao.logistics.consign.resend', { tid: TID.b, out_sid: 'ZTO9', company_code: 'ZTO' }, signal)).resolves.toEqual({ logistics_consign_resend_response: { shipping: { is_success: true } } });
    await expect(t.call('taobao.logistics.consign.resend', { tid: TID.b, out_sid: 'ZTO9', company_code: 'ZTO' }, signal)).rejects.toMatchObject({ code: 'isv.logistics-update-company-or-mailno-error:P07' });
    await expect(t.call('taobao.logistics.consign.resend', { tid: TID.a, out_sid: 'ZTO8', company_code: 'ZTO' }, signal)).rejects.toMatchObject({ code: 'isv.logistics-update-company-or-mailno-error:CD19' });
    expect(sb.state().shipments.filter((s) => s.orderId === TID.b).map((s) => [s.kind, s.companyCode, s.trackingNumber])).toEqual([['confirm', 'SF', 'SF1000000001'], ['resend', 'ZTO', 'ZTO9']]);
  });
});

describe('taobao sandbox: inventory.push', () => {
  it('sets each listed SKU to the absolute figure and reports the unlisted one', async () => {
    const a = await adapter();
    const r = await a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'CUP-500', available: 7 }, { sku: 'COVER', available: -2 }, { sku: 'NOT-LISTED', available: 1 }] }, testContext());
    expect(r).toEqual({ pushed: 2, unmapped: ['NOT-LISTED'], rejected: [] });
    expect(sb.state().stock).toEqual({ 'CUP-500': 7, COVER: 0 });
    expect(sb.state().stockSets.map((s) => s.sku)).toEqual(['CUP-500', 'COVER']);
  });

  it('refuses an item the shop does not have, per SKU', async () => {
    const a = await adapter({ listings: { GHOST: { numIid: '999' } } });
    const r = await a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'GHOST', available: 3 }] }, testContext());
    expect(r).toMatchObject({ pushed: 0, rejected: [{ sku: 'GHOST', code: 'isv.item-not-exist' }] });
  });
});

describe('taobao sandbox: signatures and faults', () => {
  it('accepts all three sign methods and refuses a wrong secret with code 25', async () => {
    for (const signMethod of ['md5', 'hmac', 'hmac-sha256']) expect(await (await adapter({ signMethod })).testConnection()).toEqual({ ok: true });
    const wrong = await adapter({ appSecret: 'not-the-secret' });
    const err = await rejection(wrong.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: TID.a, trackingNumber: 'X', carrierCode: 'SF' }, testContext()));
    expect(err).toMatchObject({ code: 'top_25', retryable: false });
    expect(sb.state().refused['25']).toBe(1);
    const noSession = await adapter({ sessionKey: 'someone-else' });
    expect(await rejection(noSession.invoke(CAPABILITY.ORDER_PULL, { window: { start: at(0).toISOString(), end: at(1).toISOString() } }, testContext()))).toMatchObject({ code: 'invalid-sessionkey', retryable: false });
  });

  it('the bad-signature switch answers code 25 for the counted requests, then signs check again', async () => {
    const a = await adapter();
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect(sb.server.faults.mode).toBe(SANDBOX_FAULT.BAD_SIGNATURE);
    expect(await a.testConnection()).toMatchObject({ ok: false, detail: expect.stringContaining('25') });
    expect(sb.server.faults.mode).toBe(SANDBOX_FAULT.NONE);
    expect(await a.testConnection()).toEqual({ ok: true });
  });

  it('scripted TOP errors: call limits and isp.* are retryable for the adapter, then the call goes through', async () => {
    const a = await adapter();
    sb.failNext(TOP_ERRORS.APP_CALL_LIMITED, { method: 'taobao.item.quantity.update' });
    sb.failNext(TOP_ERRORS.REMOTE_SERVICE_TIMEOUT, { method: 'taobao.item.quantity.update' });
    const push = () => a.invoke(CAPABILITY.INVENTORY_PUSH, { warehouse: 'WH1', items: [{ sku: 'CUP-500', available: 5 }] }, testContext());
    expect(await rejection(push())).toMatchObject({ code: 'accesscontrol.limited-by-app-access-count', retryable: true });
    expect(await rejection(push())).toMatchObject({ code: 'isp.remote-service-timeout', retryable: true });
    await expect(push()).resolves.toMatchObject({ pushed: 1 });
    expect(sb.state().stock['CUP-500']).toBe(5);
  });

  it('HTTP-level faults reach the adapter as retryable errors', async () => {
    const a = await adapter();
    sb.server.setFaults({ mode: SANDBOX_FAULT.SERVER_ERROR, status: 502, remaining: 1 });
    expect(await rejection(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: TID.a, trackingNumber: 'X', carrierCode: 'SF' }, testContext()))).toMatchObject({ retryable: true });
    sb.server.setFaults({ mode: SANDBOX_FAULT.MALFORMED, remaining: 1 });
    expect(await rejection(a.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderId: TID.a, trackingNumber: 'X', carrierCode: 'SF' }, testContext()))).toMatchObject({ retryable: true });
    expect(sb.state().shipments.some((s) => s.orderId === TID.a)).toBe(false);
  });
});

describe('taobao sandbox: extras', () => {
  it('placeOrder and updateOrder name the bad field', () => {
    expect(() => sb.placeOrder({ id: 'T-1', lines: [] })).toThrow(/id: .*digits[\s\S]*lines/);
    expect(() => sb.placeOrder({ id: TID.a, lines: [{ sku: 'X', qty: 1, price: 1 }] })).toThrow(/exists already/);
    expect(() => sb.updateOrder('1', { status: 'WAIT_SELLER_SEND_GOODS' })).toThrow(/no trade 1/);
    expect(() => sb.updateOrder(TID.a, { status: 'PAID' as never })).toThrow(/status/);
  });

  it('state() is plain JSON', () => {
    const s = sb.state();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('taobao sandbox: closing a trade', () => {
  it('closes an unpaid trade as TRADE_CLOSED_BY_TAOBAO, which is no sale in its books', () => {
    const tid = '4012345678901239001';
    sb.placeOrder({ id: tid, status: 'WAIT_BUYER_PAY', lines: [{ sku: 'COVER', qty: 1, price: 1990 }] });
    expect(sb.updateOrder(tid, { status: 'TRADE_CLOSED_BY_TAOBAO' }).status).toBe('TRADE_CLOSED_BY_TAOBAO');
    expect(sb.books().sales.some((s) => s.orderId === tid)).toBe(false);
  });

  it('refuses TRADE_CLOSED_BY_TAOBAO for a paid trade: TOP closes one only through refunds (TRADE_CLOSED), so the sale stays in the books with its refund', () => {
    const tid = '4012345678901239002';
    sb.placeOrder({ id: tid, status: 'PAID_FORBID_CONSIGN', lines: [{ sku: 'COVER', qty: 2, price: 1990 }] });
    expect(() => sb.updateOrder(tid, { status: 'TRADE_CLOSED_BY_TAOBAO' })).toThrow(/status: trade 4012345678901239002 was paid/);
    expect(sb.updateOrder(tid, { refund: { sku: 'COVER', status: 'SUCCESS' } }).status).toBe('TRADE_CLOSED');
    const books = sb.books();
    expect(books.sales.find((s) => s.orderId === tid)?.received).toBe(3980);
    expect(books.refunds.filter((r) => r.orderId === tid).reduce((a, r) => a + r.amount, 0)).toBe(3980);
  });
});
