import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as douyinSandbox, type DouyinSandbox } from '../adapters/douyin/sandbox.js';
import { AFTER_SALE } from '../adapters/douyin/sandbox-orders.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { DOUYIN_EWAYBILL, DOUYIN_WMS_MAPPING } from '../src/sandbox/world.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import type { Json } from './support/json.js';
import { orderApi } from './support/orders.js';

/**
 * A Douyin order's whole lifecycle on the platform's own e-waybill, every system real over HTTP:
 * the Douyin sandbox pushes the order, the hub fetches it (receiver as ciphertext + mask), the
 * Douyin e-waybill connector issues the waybill from the Douyin sandbox with that ciphertext, the
 * Wangdiantong sandbox gets the trade with the platform waybill and the ciphertext, pickup, and
 * Douyin hears the shipment with the e-waybill number. A refund before pickup cancels the
 * e-waybill at Douyin.
 */
const WH = 'WH-DY';
const CHANNEL = 'dy-ewb-test';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
let dy: DouyinSandbox;
let wdt: WdtSandbox;
let hub: Hub & { prefix: string; taskQueue: string };
let server: ServerType;
let pool: InventoryPool;
const suffix = String(Date.now()).slice(-8);
let seq = 0;

beforeAll(async () => {
  const port = await freePort();
  dy = await douyinSandbox.start({ push: { hubUrl: `http://127.0.0.1:${port}` }, channel: CHANNEL });
  wdt = await wdtSandbox.start({ sid: 'zs', appkey: 'zs-key', appsecret: 'wdt-secret', edition: 'enterprise', shopNo: 'ZS-SHOP' });
  const shop = dy.connectorConfig();
  const secrets = { appSecret: '${DY_SECRET}', accessToken: '${DY_TOKEN}' };
  hub = await startTestHub({
    env: { DY_SECRET: String(shop['appSecret']), DY_TOKEN: String(shop['accessToken']), WDT_SECRET: 'wdt-secret' },
    config: {
      connectors: [
        { id: 'dy', adapter: 'douyin', config: { ...shop, ...secrets } },
        { id: 'dy-ewb', adapter: 'douyin', config: { ...dy.ewaybillConnectorConfig(DOUYIN_EWAYBILL), ...secrets } },
        { id: 'wdt', adapter: 'wangdiantong', config: { edition: 'enterprise', baseUrl: String(wdt.connectorConfig('enterprise')['baseUrl']), sid: 'zs', appkey: 'zs-key', appsecret: '${WDT_SECRET}', shopNo: 'ZS-SHOP', timeoutMs: 10_000 } },
      ],
      channels: [
        {
          id: CHANNEL,
          adapter: 'douyin',
          shop: '12345',
          connector: 'dy',
          mapping: 'douyin/order.v2',
          poll: { enabled: false },
          courier: { connector: 'dy-ewb', mappings: { wms: DOUYIN_WMS_MAPPING } },
          shipmentConfirm: { at: 'pickup' },
        },
      ],
      lifecycle: { enabled: true, warehouse: WH, wms: 'wdt', mappings: { wms: 'wangdiantong/trade-push.v1' }, retry: { maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 1.5 } },
    },
  });
  pool = new InventoryPool(hub.redis, hub.prefix);
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: hub.app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await hub?.stop();
  await Promise.all([dy?.close(), wdt?.close()]);
});

const { stateOf, waitFor } = orderApi(() => hub);
/** A paid Douyin order placed on the sandbox and pushed to the hub; returns its id and order key. */
async function placeAndPush(sku: string): Promise<{ id: string; key: string }> {
  await pool.setOnHand(WH, sku, 5);
  const id = `6940${suffix}${String(++seq).padStart(7, '0')}`;
  dy.placeOrder({ id, lines: [{ sku, qty: 1, price: 2990 }] });
  expect((await dy.pushOrder(id)).status).toBe(200);
  return { id, key: `${CHANNEL}:${id}` };
}
const ewaybillsOf = (id: string) => [...dy.state().ewaybills.live, ...dy.state().ewaybills.cancelled].filter((w) => w.extra['douyinOrderId'] === id);

describe('a Douyin order on the Douyin e-waybill', () => {
  it('paid -> e-waybill from Douyin with the ciphertext -> WMS trade with that waybill and the ciphertext -> pickup -> Douyin told the e-waybill number', async () => {
    const { id, key } = await placeAndPush('DY-EWB-1');
    const pushed = await waitFor(key, 'pushed_to_wms');
    expect(pushed.timeline.map((t: Json) => t.state)).toEqual(['received', 'paid', 'risk_check', 'inventory_locked', 'waybill_issued', 'pushed_to_wms']);
    const [ewb, ...more] = ewaybillsOf(id);
    expect(more).toEqual([]);
    expect(ewb).toMatchObject({ waybillNo: pushed.waybillNo, status: 'live', receiver: { contact: { name: '##SbxName01==#1##', mobile: '$$SbxTel01==$1$$' }, address: { detail_address: '##SbxDetail01==#1##' } } });
    const trade = wdt.state().trades.list.find((t) => t.tid === id);
    expect(trade).toMatchObject({ pushes: 1, platformWaybillNo: pushed.waybillNo, raw: { receiver_name: '##SbxName01==#1##', receiver_mobile: '$$SbxTel01==$1$$', logistics_no: pushed.waybillNo } });
    // Confirmed at pickup (this channel's setting): nothing told yet.
    expect(dy.state().shipments.filter((s) => s.orderId === id)).toEqual([]);

    dy.pickUpEwaybill(pushed.waybillNo);
    const res = await hub.app.request(`/api/orders/${key}/tracking`, { method: 'POST', headers: admin, body: JSON.stringify({ event: 'picked_up', at: new Date().toISOString(), waybillNo: pushed.waybillNo }) });
    expect(res.status).toBe(200);
    await waitFor(key, 'in_transit');
    for (let i = 0; i < 100 && !dy.state().shipments.some((s) => s.orderId === id); i++) await new Promise((r) => setTimeout(r, 100));
    expect(dy.state().shipments.filter((s) => s.orderId === id)).toEqual([expect.objectContaining({ companyCode: 'shunfeng', trackingNumber: pushed.waybillNo, kind: 'confirm' })]);
    expect(dy.state().orders.find((o) => o.orderId === id)?.status).toBe(3);
  });

  it('a refund before pickup cancels the e-waybill at Douyin and intercepts the WMS trade', async () => {
    const { id, key } = await placeAndPush('DY-EWB-2');
    const pushed = await waitFor(key, 'pushed_to_wms');
    const cancelsBefore = dy.log.count('waybill.cancel');
    // The buyer is refunded on Douyin before the parcel leaves: every sku order refunded closes the order.
    dy.updateOrder(id, { afterSale: { sku: 'DY-EWB-2', status: AFTER_SALE.SUCCEEDED } });
    expect((await dy.pushOrder(id)).status).toBe(200);
    const closed = await waitFor(key, 'closed');
    expect(dy.log.of('waybill.cancel').slice(cancelsBefore).map((e) => e.key)).toEqual([pushed.waybillNo]);
    expect(ewaybillsOf(id).map((w) => [w.waybillNo, w.status])).toEqual([[pushed.waybillNo, 'cancelled']]);
    expect(wdt.state().trades.list.find((t) => t.tid === id)).toMatchObject({ state: 'intercepted' });
    const causes = closed.timeline.map((t: Json) => t.cause);
    expect(causes).toContain(`waybill ${pushed.waybillNo} cancelled at dy-ewb: order cancelled`);
    expect(causes.filter((c: string) => c.startsWith('compensated'))).toEqual(['compensated: intercept at wdt', 'compensated: cancel waybill', 'compensated: release stock']);
    expect(dy.state().shipments.filter((s) => s.orderId === id)).toEqual([]);
    expect((await stateOf(key)).state).toBe('closed');
  });
});
