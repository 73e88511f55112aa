import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as douyinSandbox, type DouyinSandbox } from '../adapters/douyin/sandbox.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { DOUYIN_EWAYBILL, DOUYIN_WMS_MAPPING } from '../src/sandbox/world.js';
import { ShadowRecorder } from '../src/shadow/recorder.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { orderApi } from './support/orders.js';

/**
 * A Douyin channel in shadow mode beside the old system, every system real over HTTP (Douyin and
 * Wangdiantong sandboxes, Temporal, Redis, PostgreSQL): the order is fetched from Douyin (a read),
 * runs the whole lifecycle, and its e-waybill, WMS trade and shipment confirmation are recorded in
 * the store, never sent. Then the channel is switched to live by config (the hub restarted on the
 * same queue and store): the shadow order stays in shadow to its end, a new order goes live.
 */
const WH = 'WH-SHADOW';
const CHANNEL = 'dy-shadow';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
let dy: DouyinSandbox;
let wdt: WdtSandbox;
let hub: Hub & { prefix: string; taskQueue: string };
let server: ServerType;
const suffix = String(Date.now()).slice(-8);
let seq = 0;

function hubWith(mode: 'shadow' | 'live', same?: { prefix: string; taskQueue: string }) {
  const shop = dy.connectorConfig();
  const secrets = { appSecret: '${DY_SECRET}', accessToken: '${DY_TOKEN}' };
  return startTestHub({
    ...(same ?? {}),
    env: { DY_SECRET: String(shop['appSecret']), DY_TOKEN: String(shop['accessToken']), WDT_SECRET: 'wdt-secret' },
    config: {
      connectors: [
        { id: 'dy', adapter: 'douyin', config: { ...shop, ...secrets } },
        { id: 'dy-ewb', adapter: 'douyin', config: { ...dy.ewaybillConnectorConfig(DOUYIN_EWAYBILL), ...secrets } },
        { id: 'wdt', adapter: 'wangdiantong', config: { edition: 'enterprise', baseUrl: String(wdt.connectorConfig('enterprise')['baseUrl']), sid: 'zs', appkey: 'zs-key', appsecret: '${WDT_SECRET}', shopNo: 'ZS-SHOP', timeoutMs: 10_000 } },
      ],
      channels: [{ id: CHANNEL, adapter: 'douyin', shop: '12345', connector: 'dy', mapping: 'douyin/order.v2', mode, poll: { enabled: false }, courier: { connector: 'dy-ewb', mappings: { wms: DOUYIN_WMS_MAPPING } }, shipmentConfirm: { at: 'pickup' } }],
      lifecycle: { enabled: true, warehouse: WH, wms: 'wdt', mappings: { wms: 'wangdiantong/trade-push.v1' }, retry: { maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 1.5 } },
    },
  });
}

beforeAll(async () => {
  const port = await freePort();
  dy = await douyinSandbox.start({ push: { hubUrl: `http://127.0.0.1:${port}` }, channel: CHANNEL });
  wdt = await wdtSandbox.start({ sid: 'zs', appkey: 'zs-key', appsecret: 'wdt-secret', edition: 'enterprise', shopNo: 'ZS-SHOP' });
  hub = await hubWith('shadow');
  // The pushes reach whichever hub runs now (the switch to live restarts it).
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: (req) => hub.app.fetch(req), hostname: '127.0.0.1', port }, () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await hub?.stop();
  await Promise.all([dy?.close(), wdt?.close()]);
});

const { waitFor } = orderApi(() => hub);
async function placeAndPush(sku: string): Promise<{ id: string; key: string }> {
  await new InventoryPool(hub.redis, hub.prefix).setOnHand(WH, sku, 5);
  const id = `6950${suffix}${String(++seq).padStart(7, '0')}`;
  dy.placeOrder({ id, lines: [{ sku, qty: 1, price: 2990 }] });
  expect((await dy.pushOrder(id)).status).toBe(200);
  return { id, key: `${CHANNEL}:${id}` };
}
function recorder(): ShadowRecorder {
  if (!hub.orders) throw new Error('the test hub has no order store');
  return new ShadowRecorder(hub.orders.db);
}
const ewaybillsOf = (id: string) => [...dy.state().ewaybills.live, ...dy.state().ewaybills.cancelled].filter((w) => w.extra['douyinOrderId'] === id);
async function pickUp(key: string, waybillNo: string): Promise<void> {
  const res = await hub.app.request(`/api/orders/${key}/tracking`, { method: 'POST', headers: admin, body: JSON.stringify({ event: 'picked_up', at: new Date().toISOString(), waybillNo }) });
  expect(res.status).toBe(200);
}

describe('a channel in shadow mode', () => {
  it('records every write of an order through its lifecycle and calls no real system; reads still happen; switching to live repeats and loses nothing', async () => {
    const reads = dy.log.count('order.orderDetail');
    const a = await placeAndPush('SHADOW-SKU-1');
    const pushed = await waitFor(a.key, 'pushed_to_wms');
    expect(dy.log.count('order.orderDetail')).toBeGreaterThan(reads);
    expect(pushed.waybillNo).toMatch(/^SHADOW-[0-9A-F]{12}$/);
    expect(ewaybillsOf(a.id)).toEqual([]);
    expect(wdt.state().trades.list.filter((t) => t.tid === a.id)).toEqual([]);

    const writes = await recorder().list({ workflowId: `order:${a.key}` });
    expect(writes.map((w) => [w.capability, w.connector])).toEqual([
      ['waybill.create', 'dy-ewb'],
      ['wms.order.push', 'wdt'],
    ]);
    // The requests as the adapter would have been given them: the WMS trade through the channel's
    // outbound mapping (platform e-waybill), the receiver as the platform sent it (ciphertext).
    expect(writes[1]?.request).toMatchObject({ order: { address: { detail: { ciphertext: '##SbxDetail01==#1##' } }, sellerMemo: expect.stringContaining(String(pushed.waybillNo)) }, platformWaybill: { platform: 'douyin', waybillNo: pushed.waybillNo } });
    expect(writes[0]?.answer).toEqual({ shadow: true, waybillNo: pushed.waybillNo, orderId: `order:${a.key}:waybill-1` });

    // The switch: the same queue and store, the channel now live.
    const same = { prefix: hub.prefix, taskQueue: hub.taskQueue };
    await hub.stop();
    hub = await hubWith('live', same);

    // The order received in shadow finishes in shadow: its confirmation is recorded, Douyin hears nothing.
    await pickUp(a.key, String(pushed.waybillNo));
    await waitFor(a.key, 'in_transit');
    const aWrites = async () => (await recorder().list({ workflowId: `order:${a.key}` })).map((w) => w.capability);
    for (let i = 0; i < 100 && !(await aWrites()).includes('shipment.confirm'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await aWrites()).toEqual(['waybill.create', 'wms.order.push', 'shipment.confirm']);
    expect(dy.state().shipments.filter((s) => s.orderId === a.id)).toEqual([]);

    // A new order goes live: a real e-waybill at Douyin, a real trade at Wangdiantong, nothing recorded.
    const b = await placeAndPush('SHADOW-SKU-2');
    const live = await waitFor(b.key, 'pushed_to_wms');
    expect(live.waybillNo).not.toMatch(/^SHADOW-/);
    expect(ewaybillsOf(b.id).map((w) => w.waybillNo)).toEqual([live.waybillNo]);
    expect(wdt.state().trades.list.filter((t) => t.tid === b.id)).toHaveLength(1);
    expect(await recorder().list({ workflowId: `order:${b.key}` })).toEqual([]);
    // Nothing of the shadow order was sent after the switch either.
    expect(ewaybillsOf(a.id)).toEqual([]);
    expect(wdt.state().trades.list.filter((t) => t.tid === a.id)).toEqual([]);
  });
});
