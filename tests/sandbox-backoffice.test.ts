import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as sfSandbox, type SfSandbox } from '../adapters/sf-express/sandbox.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { recordHistory } from './support/histories.js';
import { startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { orderApi } from './support/orders.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * The back-office sandboxes against a real hub listening on a port: SF issues the waybill and its
 * courier pushes pickup and delivery to the hub's route receiver over HTTP (no hand-built push
 * bodies), Wangdiantong records the trade. Proves the sandboxes' wire formats and the hub's
 * receivers agree end to end.
 */
const WH = 'WH-SB';
const ROUTE_TOKEN = 'sandbox-route-t0ken-0123456789abcdef';
let sf: SfSandbox;
let wdt: WdtSandbox;
let hub: Hub & { prefix: string; taskQueue: string };
let http: ServerType;
let pool: InventoryPool;

beforeAll(async () => {
  // The hub's URL is known only once it listens, and the hub needs the sandboxes' URLs first:
  // listen on a port chosen now and start the sandbox with it.
  http = serve({ fetch: (req) => hub.app.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => http.once('listening', () => r()));
  const addr = http.address();
  if (addr === null || typeof addr === 'string') throw new Error('hub listener has no port');
  sf = await sfSandbox.start({ push: { hubUrl: `http://127.0.0.1:${addr.port}` }, routePushToken: ROUTE_TOKEN, delays: { pickupMs: null, deliveryMs: null } });
  wdt = await wdtSandbox.start({ warehouseNo: WH });
  const sfCfg = sf.connectorConfig();
  const wdtCfg = wdt.connectorConfig('enterprise');
  hub = await startTestHub({
    config: {
      lifecycle: { enabled: true, warehouse: WH, courier: 'sf', wms: 'wdt', mappings: { waybill: 'sf-express/waybill.v1', wms: 'wangdiantong/trade-push.v1' }, retry: { maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 1.5 } },
      webhooks: { sfRoutePushToken: '${SF_ROUTE_TOKEN}' },
      connectors: [
        // Secrets go through env references, as config requires of every secret field.
        { id: 'sf', adapter: 'sf-express', config: { ...sfCfg, checkword: '${SF_CHECKWORD}' } },
        { id: 'wdt', adapter: 'wangdiantong', config: { ...wdtCfg, appsecret: '${WDT_SECRET}' } },
      ],
    },
    env: { SF_CHECKWORD: String(sfCfg['checkword']), WDT_SECRET: String(wdtCfg['appsecret']), SF_ROUTE_TOKEN: ROUTE_TOKEN },
  });
  pool = new InventoryPool(hub.redis, hub.prefix);
});
afterAll(async () => {
  await hub?.stop();
  await new Promise<void>((r) => http?.close(() => r()));
  await sf?.close();
  await wdt?.close();
});

const { waitFor } = orderApi(() => hub);

/** One run of the stock-sync workflow (what the schedule runs): WMS figures in, nothing pushed. */
async function syncStock(skus: string[]): Promise<void> {
  await hub.client.workflow.execute('stockSync', { taskQueue: hub.taskQueue, workflowId: `stock-sync-${crypto.randomUUID()}`, args: [{ warehouse: WH, wms: 'wdt', platforms: [], skus }] });
}

describe('back-office sandboxes with a real hub', () => {
  it('waybill at the SF sandbox, trade at the WDT sandbox, then the sandbox courier’s pushes complete the order', async () => {
    for (const s of ['SB1-A', 'SB1-B']) await pool.setOnHand(WH, s, 2);
    const id = newOrderId();
    const body = sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "SB1-A"').replace('"sku": "IPOD2008BLUE"', '"sku": "SB1-B"'));
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
    expect(res.status).toBe(200);
    const key = (await json(res)).orderKey;
    const pushed = await waitFor(key, 'pushed_to_wms');

    const sfState = sf.state();
    expect(sfState.waybills.counts).toEqual({ live: 1, cancelled: 0 });
    expect(sfState.waybills.live[0]?.waybillNo).toBe(pushed.waybillNo);
    const trades = wdt.state().trades;
    expect(trades.counts).toEqual({ live: 1, intercepted: 0, shipped: 0 });
    expect(trades.list[0]).toMatchObject({ tid: id, pushes: 1 });

    await sf.pickUp(pushed.waybillNo);
    const inTransit = await waitFor(key, 'in_transit');
    expect(inTransit.timeline.at(-1).cause).toBe('picked up (sf-route-push:50)');
    await sf.deliver(pushed.waybillNo);
    await waitFor(key, 'completed');
    expect(sf.state().pushes).toEqual({ acknowledged: 2, failed: 0 });
    expect(sf.log.of('route.push').map((e) => e.data)).toEqual([
      expect.objectContaining({ opCode: '50', status: 200, acknowledged: true, attempts: 1 }),
      expect.objectContaining({ opCode: '80', status: 200, acknowledged: true, attempts: 1 }),
    ]);
  });

  it('a WMS stock reading after the warehouse shipped, before the courier picked up, does not count the shipped units twice', async () => {
    const skus = ['SB2-A', 'SB2-B'];
    for (const s of skus) {
      await pool.setOnHand(WH, s, 5);
      wdt.setStock(s, 5, WH);
    }
    const id = newOrderId();
    const body = sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "SB2-A"').replace('"sku": "IPOD2008BLUE"', '"sku": "SB2-B"'));
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
    expect(res.status).toBe(200);
    const key = (await json(res)).orderKey;
    const pushed = await waitFor(key, 'pushed_to_wms');
    const sold = 5 - (await pool.get(WH, 'SB2-A')).available;
    expect(sold).toBeGreaterThan(0);

    // Pushed, not shipped: the WMS still has the units and has promised them to the trade.
    await syncStock(skus);
    expect((await pool.get(WH, 'SB2-A')).available).toBe(5 - sold);

    // The warehouse ships: its stock goes down by what the order took. A reading now must not
    // take those units off a second time (they were counted against the order already).
    wdt.ship(id);
    await syncStock(skus);
    expect((await pool.get(WH, 'SB2-A')).available).toBe(5 - sold);

    // The courier's pickup closes the order's hold; that must not take them a third time.
    await sf.pickUp(pushed.waybillNo);
    await waitFor(key, 'in_transit');
    expect((await pool.get(WH, 'SB2-A')).available).toBe(5 - sold);
    await syncStock(skus);
    expect(await pool.get(WH, 'SB2-A')).toMatchObject({ available: 5 - sold, locked: 0 });
    await sf.deliver(pushed.waybillNo);
    await waitFor(key, 'completed');
    await recordHistory(`order:${key}`, 'stock-handed-to-wms-completed');
  });

  it('copies of a known order that bring no news add nothing to its history; a copy with news reaches it once', async () => {
    for (const s of ['SB3-A', 'SB3-B']) await pool.setOnHand(WH, s, 5);
    const id = newOrderId();
    const base = sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "SB3-A"').replace('"sku": "IPOD2008BLUE"', '"sku": "SB3-B"'));
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(base));
    const key = (await json(res)).orderKey;
    await waitFor(key, 'pushed_to_wms');
    // Re-reads (a poll's look-back, a platform's redelivery under a new id): other bytes, same order.
    for (const n of [1, 2, 3]) expect((await hub.app.request('/webhooks/shopify', shopifyRequest(base.replace('"note": null', `"note": "copy ${n}"`)))).status).toBe(200);
    const moved = base.replace('"updated_at": "2021-12-31T19:00:00-05:00"', '"updated_at": "2022-01-01T09:00:00-05:00"').replace('"cancelled_at": null', '"cancelled_at": "2022-01-01T09:00:00-05:00"');
    for (const n of [1, 2]) expect((await hub.app.request('/webhooks/shopify', shopifyRequest(moved.replace('"note": null', `"note": "news ${n}"`)))).status).toBe(200);
    // Once the cancel has been acted on, every signal sent before it is in the history (a signal
    // that arrives during a workflow task is written when that task completes).
    await waitFor(key, 'cancelled');
    const history = await hub.client.workflow.getHandle(`order:${key}`).fetchHistory();
    expect((history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'platformSnapshot')).toHaveLength(1);
  });
});
