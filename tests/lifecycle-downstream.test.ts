import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { startFakeSf, type FakeSf } from './support/fake-sf.js';
import { startFakeWdt, type FakeWdt } from './support/fake-wdt.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import { recordHistory } from './support/histories.js';
import { carrierOrderId } from '../adapters/_shared/waybill.js';

/**
 * Waybill and WMS push against real local servers that speak SF's and Wangdiantong's wire
 * formats (signatures checked), counting every request they receive.
 */
const WH = 'WH-D';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
let sf: FakeSf;
let wdt: FakeWdt;
let hub: Hub & { prefix: string; taskQueue: string };
let pool: InventoryPool;

function hubConfig() {
  return {
    lifecycle: {
      enabled: true,
      warehouse: WH,
      courier: 'sf',
      wms: 'wdt',
      mappings: { waybill: 'sf-express/waybill.v1', wms: 'wangdiantong/trade-push.v1' },
      retry: { maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 1.5 },
    },
    connectors: [
      { id: 'sf', adapter: 'sf-express', config: { url: sf.url, partnerId: 'ZS-TEST', checkword: '${SF_CHECKWORD}', timeoutMs: 10_000 } },
      { id: 'wdt', adapter: 'wangdiantong', config: { edition: 'enterprise', baseUrl: wdt.url, sid: 'zs', appkey: 'zs-key', appsecret: '${WDT_SECRET}', shopNo: 'ZS-SHOP', timeoutMs: 10_000 } },
    ],
  };
}
const env = { SF_CHECKWORD: 'sf-check', WDT_SECRET: 'wdt-secret' };

beforeAll(async () => {
  sf = await startFakeSf({ checkword: 'sf-check' });
  wdt = await startFakeWdt({ sid: 'zs', appkey: 'zs-key', appsecret: 'wdt-secret', edition: 'enterprise' });
  hub = await startTestHub({ config: hubConfig(), env });
  pool = new InventoryPool(hub.redis, hub.prefix);
});
afterAll(async () => {
  await hub?.stop();
  await sf?.close();
  await wdt?.close();
});

async function stateOf(orderKey: string): Promise<Json> {
  return json(await hub.app.request(`/api/orders/${orderKey}`, { headers: admin }));
}
async function waitFor(orderKey: string, state: string, ms = 30_000): Promise<Json> {
  let last: Json = null;
  for (const end = Date.now() + ms; Date.now() < end; ) {
    last = await stateOf(orderKey);
    if (last?.state === state) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${orderKey} stuck in ${last?.state} (wanted ${state}): ${JSON.stringify(last?.timeline?.slice(-3))}`);
}
function order(id: string, sku: string): string {
  return sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', `"sku": "${sku}-A"`).replace('"sku": "IPOD2008BLUE"', `"sku": "${sku}-B"`));
}
async function send(body: string): Promise<string> {
  const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
  expect(res.status).toBe(200);
  return (await json(res)).orderKey;
}

describe('lifecycle with courier and WMS', () => {
  it('issues one SF waybill, pushes one WDT trade, and completes on delivery', async () => {
    for (const s of ['D1-A', 'D1-B']) await pool.setOnHand(WH, s, 3);
    const id = newOrderId();
    const key = await send(order(id, 'D1'));
    const pushed = await waitFor(key, 'pushed_to_wms');
    expect(pushed.timeline.map((t: Json) => t.state)).toEqual(['received', 'paid', 'risk_check', 'inventory_locked', 'waybill_issued', 'pushed_to_wms']);
    expect(pushed.waybillNo).toMatch(/^SF/);
    const created = [...sf.orders.values()].filter((o) => JSON.stringify(o.receiver).includes('Steve Shipper'));
    expect(created.length).toBeGreaterThanOrEqual(1);
    const trade = wdt.trades.get(id);
    expect(trade?.pushes).toBe(1);
    expect(JSON.stringify(trade)).toContain(pushed.waybillNo);

    await hub.app.request(`/api/orders/${key}/tracking`, { method: 'POST', headers: admin, body: JSON.stringify({ event: 'picked_up', at: '2026-11-21T10:00:00+08:00' }) });
    await hub.app.request(`/api/orders/${key}/tracking`, { method: 'POST', headers: admin, body: JSON.stringify({ event: 'delivered', at: '2026-11-22T10:00:00+08:00' }) });
    await waitFor(key, 'completed');
    expect(await pool.get(WH, 'D1-A')).toMatchObject({ onHand: 2, locked: 0 });
    await recordHistory(`order:${key}`, 'downstream-completed');
  });

  it('cancels after the waybill: cancels it at SF, intercepts at the WMS, releases the stock', async () => {
    for (const s of ['D2-A', 'D2-B']) await pool.setOnHand(WH, s, 1);
    const id = newOrderId();
    const key = await send(order(id, 'D2'));
    const pushed = await waitFor(key, 'pushed_to_wms');
    const cancelsBefore = sf.requests.filter((r) => r.serviceCode === 'EXP_RECE_UPDATE_ORDER').length;
    const res = await hub.app.request(`/api/orders/${key}/cancel`, { method: 'POST', headers: admin, body: JSON.stringify({ cause: 'buyer cancelled before shipping', confirm: true }) });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ cancelled: true, state: 'cancelled', failedCompensations: [] });
    const cancels = sf.requests.filter((r) => r.serviceCode === 'EXP_RECE_UPDATE_ORDER').slice(cancelsBefore);
    expect(cancels).toHaveLength(1);
    expect([...sf.orders.values()].find((o) => o.waybillNo === pushed.waybillNo)?.cancelled).toBe(true);
    expect(wdt.trades.get(id)?.pushes).toBe(2); // the push, then the intercept (re-push as refunded)
    expect(await pool.get(WH, 'D2-A')).toMatchObject({ locked: 0, available: 1 });
    const causes = (await stateOf(key)).timeline.map((t: Json) => t.cause);
    expect(causes).toContain(`waybill ${pushed.waybillNo} cancelled at sf: order cancelled`);
    // Reverse order: WMS first, then the waybill, then the stock.
    expect(causes.filter((c: string) => c.startsWith('compensated'))).toEqual(['compensated: intercept at wdt', 'compensated: cancel waybill', 'compensated: release stock']);
    await recordHistory(`order:${key}`, 'downstream-cancelled-after-waybill');
  });

  it('a worker stopped mid-call and a new one finishing creates no second waybill or WMS trade', async () => {
    for (const s of ['D3-A', 'D3-B']) await pool.setOnHand(WH, s, 3);
    sf.setMode('slow', { delayMs: 2500 });
    const id = newOrderId();
    const key = await send(order(id, 'D3'));
    // Wait until SF has the create request (it takes effect there), then stop this worker.
    const sfOrderId = carrierOrderId(`order:shopify-test:${id}:waybill-1`);
    const creates = () => sf.requests.filter((r) => r.serviceCode === 'EXP_RECE_CREATE_ORDER' && JSON.stringify(r.msgData).includes(sfOrderId)).length;
    for (let i = 0; i < 200 && creates() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(creates()).toBe(1);
    await hub.stop();
    sf.setMode('ok');
    // A new worker process on the same queue and keys picks the order up where it was.
    hub = await startTestHub({ config: hubConfig(), env, prefix: hub.prefix, taskQueue: hub.taskQueue });
    pool = new InventoryPool(hub.redis, hub.prefix);
    const pushed = await waitFor(key, 'pushed_to_wms', 60_000);
    // SF saw the create at least twice (the lost answer, then the retry) but holds one order, one waybill.
    expect(creates()).toBeGreaterThanOrEqual(2);
    expect([...sf.orders.values()].filter((o) => o.orderId === sfOrderId).map((o) => o.waybillNo)).toEqual([pushed.waybillNo]);
    expect(wdt.trades.get(id)?.pushes).toBe(1);
    expect(await pool.get(WH, 'D3-A')).toMatchObject({ locked: 1 });
  });
});
