import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { createServer, type Server } from 'node:http';
import { sandbox as sfSandbox, sfRoutePushBody, type SfSandbox } from '../adapters/sf-express/sandbox.js';
import { gmt8WallClock } from '../src/sandbox/courier-kit.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import { recordHistory } from './support/histories.js';
import { carrierOrderId } from '../adapters/_shared/waybill.js';
import { orderApi } from './support/orders.js';

/**
 * Waybill and WMS push against real local servers that speak SF's and Wangdiantong's wire
 * formats (signatures checked), counting every request they receive.
 */
const WH = 'WH-D';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
let sf: SfSandbox;
/** Every waybill SF holds, live and cancelled. */
const sfWaybills = () => [...sf.state().waybills.live, ...sf.state().waybills.cancelled];
let wdt: WdtSandbox;
/** The WMS's record of one trade (pushes counted, the latest push kept as `raw`). */
const wdtTrade = (tid: string) => wdt.state().trades.list.find((t) => t.tid === tid);
let hub: Hub & { prefix: string; taskQueue: string };
let pool: InventoryPool;
// The customer-notice hook: a local endpoint recording what the hub posts on pickup.
let hookServer: Server;
let hookUrl = '';
const hookCalls: { idem: string | undefined; body: Json }[] = [];

function hubConfig() {
  return {
    shutdown: { drainMs: 0 },
    lifecycle: {
      enabled: true,
      warehouse: WH,
      courier: 'sf',
      wms: 'wdt',
      mappings: { waybill: 'sf-express/waybill.v1', wms: 'wangdiantong/trade-push.v1' },
      retry: { maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 1.5 },
      pickupHookUrl: hookUrl,
    },
    webhooks: { sfRoutePushToken: '${SF_ROUTE_TOKEN}' },
    connectors: [
      { id: 'sf', adapter: 'sf-express', config: { url: String(sf.connectorConfig()['url']), partnerId: 'ZS-TEST', checkword: '${SF_CHECKWORD}', timeoutMs: 10_000 } },
      { id: 'wdt', adapter: 'wangdiantong', config: { edition: 'enterprise', baseUrl: String(wdt.connectorConfig('enterprise')['baseUrl']), sid: 'zs', appkey: 'zs-key', appsecret: '${WDT_SECRET}', shopNo: 'ZS-SHOP', timeoutMs: 10_000 } },
    ],
  };
}
/** An SF route token is at least 32 characters (config refuses shorter). */
const ROUTE_TOKEN = 'r0ute-t0ken-0123456789abcdef0123456789';
const env = { SF_CHECKWORD: 'sf-check', WDT_SECRET: 'wdt-secret', SF_ROUTE_TOKEN: ROUTE_TOKEN };

beforeAll(async () => {
  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hookCalls.push({ idem: typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined, body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
  const addr = hookServer.address();
  hookUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/pickup`;
  // The parcels move only when a test posts the route pushes itself: no courier timers.
  sf = await sfSandbox.start({ partnerId: 'ZS-TEST', checkword: 'sf-check', delays: { pickupMs: 3_600_000, deliveryMs: 3_600_000 } });
  wdt = await wdtSandbox.start({ sid: 'zs', appkey: 'zs-key', appsecret: 'wdt-secret', edition: 'enterprise', shopNo: 'ZS-SHOP' });
  hub = await startTestHub({ config: hubConfig(), env });
  pool = new InventoryPool(hub.redis, hub.prefix);
});
afterAll(async () => {
  await hub?.stop();
  await sf?.close();
  await wdt?.close();
  await new Promise<void>((r) => hookServer?.close(() => r()));
});

const { stateOf, waitFor } = orderApi(() => hub);
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
    const created = sfWaybills().filter((o) => JSON.stringify(o.receiver).includes('Steve Shipper'));
    expect(created.length).toBeGreaterThanOrEqual(1);
    const trade = wdtTrade(id);
    expect(trade?.pushes).toBe(1);
    expect(JSON.stringify(trade)).toContain(pushed.waybillNo);

    // SF's route push moves the order: a wrong token is refused, a re-push changes nothing.
    const push = (opCode: string) => sfRoutePushBody([{ waybillNo: pushed.waybillNo, orderId: '', route: { opCode, acceptTime: gmt8WallClock(new Date()), acceptAddress: '深圳', remark: '' } }]);
    expect((await hub.app.request('/webhooks/sf-express/routes/wrong', { method: 'POST', body: push('50') })).status).toBe(404);
    const pick = await hub.app.request(`/webhooks/sf-express/routes/${ROUTE_TOKEN}`, { method: 'POST', body: push('50') });
    expect(await json(pick)).toEqual({ return_code: '0000', return_msg: '成功' });
    const inTransit = await waitFor(key, 'in_transit');
    expect(inTransit.timeline.at(-1).cause).toBe('picked up (sf-route-push:50)');
    for (let i = 0; i < 50 && !hookCalls.some((h) => h.body.orderKey === key); i++) await new Promise((r) => setTimeout(r, 100));
    expect(hookCalls.filter((h) => h.body.orderKey === key)).toEqual([{ idem: `order:${key}:notify-pickup`, body: expect.objectContaining({ event: 'order.picked_up', waybillNo: pushed.waybillNo }) }]);
    await hub.app.request(`/webhooks/sf-express/routes/${ROUTE_TOKEN}`, { method: 'POST', body: push('80') });
    await waitFor(key, 'completed');
    expect(await pool.get(WH, 'D1-A')).toMatchObject({ onHand: 2, locked: 0 });
    await recordHistory(`order:${key}`, 'downstream-completed');
  });

  it('cancels after the waybill: cancels it at SF, intercepts at the WMS, releases the stock', async () => {
    for (const s of ['D2-A', 'D2-B']) await pool.setOnHand(WH, s, 1);
    const id = newOrderId();
    const key = await send(order(id, 'D2'));
    const pushed = await waitFor(key, 'pushed_to_wms');
    const cancelsBefore = sf.log.count('waybill.cancel');
    const res = await hub.app.request(`/api/orders/${key}/cancel`, { method: 'POST', headers: admin, body: JSON.stringify({ cause: 'buyer cancelled before shipping', confirm: true }) });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ cancelled: true, state: 'cancelled', failedCompensations: [] });
    const cancels = sf.log.of('waybill.cancel').slice(cancelsBefore);
    expect(cancels.map((e) => e.key)).toEqual([pushed.waybillNo]);
    expect(sfWaybills().find((o) => o.waybillNo === pushed.waybillNo)?.status).toBe('cancelled');
    expect(wdtTrade(id)?.pushes).toBe(2); // the push, then the intercept (re-push as refunded)
    // Nothing is for sale again on the hub's word alone (a WMS also accepts an intercept of a parcel
    // that already left); the WMS's next reading, which shows the unit back on its shelf, returns it.
    expect(await pool.get(WH, 'D2-A')).toMatchObject({ locked: 0, available: 0 });
    wdt.setStock('D2-A', 1, WH);
    await hub.client.workflow.execute('stockSync', { taskQueue: hub.taskQueue, workflowId: `stock-sync-${crypto.randomUUID()}`, args: [{ warehouse: WH, wms: 'wdt', platforms: [], skus: ['D2-A'] }] });
    expect(await pool.get(WH, 'D2-A')).toMatchObject({ locked: 0, available: 1 });
    const causes = (await stateOf(key)).timeline.map((t: Json) => t.cause);
    expect(causes).toContain(`waybill ${pushed.waybillNo} cancelled at sf: order cancelled`);
    // Reverse order: WMS first, then the waybill, then the stock.
    expect(causes.filter((c: string) => c.startsWith('compensated'))).toEqual(['compensated: intercept at wdt', 'compensated: cancel waybill', 'compensated: release stock']);
    await recordHistory(`order:${key}`, 'downstream-cancelled-after-waybill');
  });

  it('a worker stopped mid-call and a new one finishing creates no second waybill or WMS trade', async () => {
    for (const s of ['D3-A', 'D3-B']) await pool.setOnHand(WH, s, 3);
    sf.holdAnswers(2500);
    const id = newOrderId();
    const key = await send(order(id, 'D3'));
    // Wait until SF has the create request (it takes effect there), then stop this worker.
    const sfOrderId = carrierOrderId(`order:shopify-test:${id}:waybill-1`);
    const creates = () => sf.log.of('waybill.create').filter((e) => (e.data as { orderId: string }).orderId === sfOrderId).length;
    for (let i = 0; i < 200 && creates() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(creates()).toBe(1);
    // A stop without drain (shutdown.drainMs 0 in this file) cuts the call in flight, as when a
    // worker process dies; a drained stop would let it finish.
    await hub.stop();
    sf.holdAnswers(null);
    // A new worker process on the same queue and keys picks the order up where it was.
    hub = await startTestHub({ config: hubConfig(), env, prefix: hub.prefix, taskQueue: hub.taskQueue });
    pool = new InventoryPool(hub.redis, hub.prefix);
    const pushed = await waitFor(key, 'pushed_to_wms', 60_000);
    // SF saw the create at least twice (the lost answer, then the retry) but holds one order, one waybill.
    expect(creates()).toBeGreaterThanOrEqual(2);
    expect(sfWaybills().filter((o) => o.orderId === sfOrderId).map((o) => o.waybillNo)).toEqual([pushed.waybillNo]);
    expect(wdtTrade(id)?.pushes).toBe(1);
    // One hold, handed to the WMS once: one unit off on hand, nothing left locked.
    expect(await pool.get(WH, 'D3-A')).toMatchObject({ locked: 0, onHand: 2, available: 2 });
  });
});
