import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as kdniaoSandbox, type KdniaoSandbox } from '../adapters/kdniao/sandbox.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { secretsToEnv } from '../src/sandbox/world.js';
import type { TrackingSweepInput, TrackingSweepResult } from '../workflows/tracking-sweep.js';
import { recordHistory } from './support/histories.js';
import { startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { orderApi } from './support/orders.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * 单号补录 on the real dev server and Redis with the Wangdiantong and KDNiao sandboxes: the hub
 * issues no waybill (no courier configured: the warehouse prints its own), the WMS ships the
 * trade and reports it through its logistics sync; the robot writes the tracking number back to
 * the order, acknowledges the row, and follows the parcel on KDNiao from then on.
 */
const WH = 'WH-BF';
let kdniao: KdniaoSandbox;
let wdt: WdtSandbox;
let hub: Hub & { prefix: string; taskQueue: string };

beforeAll(async () => {
  kdniao = await kdniaoSandbox.start({ delays: { pickupMs: null, deliveryMs: null } });
  wdt = await wdtSandbox.start();
  const env: Record<string, string> = {};
  hub = await startTestHub({
    env,
    config: {
      shutdown: { drainMs: 0 },
      lifecycle: { enabled: true, warehouse: WH, wms: 'wdt', mappings: { wms: 'wangdiantong/trade-push.v1' }, retry: { maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 1.5 } },
      connectors: [
        { id: 'kdniao', adapter: 'kdniao', config: secretsToEnv('kdniao', 'kdniao', kdniao.connectorConfig(), env) },
        { id: 'wdt', adapter: 'wangdiantong', config: secretsToEnv('wdt', 'wangdiantong', wdt.connectorConfig('enterprise'), env) },
      ],
      tracking: { enabled: true, kdniao: 'kdniao', everyMinutes: 600, requestsPerSecond: 50, backfill: { wms: 'wdt' } },
    },
  });
  const pool = new InventoryPool(hub.redis, hub.prefix);
  for (const sku of ['BF-A', 'BF-B']) await pool.setOnHand(WH, sku, 100);
});
afterAll(async () => {
  await hub?.stop();
  await Promise.all([kdniao, wdt].map((s) => s?.close()));
});

const { stateOf, waitFor } = orderApi(() => hub);

function sweep(): Promise<TrackingSweepResult> {
  const input: TrackingSweepInput = { batchSize: 10, maxPerRun: 100, backfill: true };
  return hub.client.workflow.execute('trackingSweep', { args: [input], taskQueue: hub.taskQueue, workflowId: `test-sweep-${randomUUID()}` });
}
const causes = (s: Json): string[] => (s?.timeline ?? []).map((t: Json) => String(t.cause));

describe('单号补录: tracking numbers from the WMS logistics sync', () => {
  it('writes the number of a WMS-shipped order back once, acknowledges the row and follows the parcel', async () => {
    const id = newOrderId();
    const body = sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "BF-A"').replace('"sku": "IPOD2008BLUE"', '"sku": "BF-B"').replaceAll('"phone": "555-555-SHIP"', `"phone": "555-${id.slice(-7)}"`));
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
    expect(res.status).toBe(200);
    const key = String((await json(res)).orderKey);
    const pushed = await waitFor(key, 'pushed_to_wms');
    expect(pushed.waybillNo).toBeNull();

    // Nothing shipped yet: nothing to back-fill.
    expect((await sweep()).backfilled).toBe(0);

    const tid = id;
    const shipped = wdt.ship(tid, { logisticsNo: 'SF1500000099001', logisticsCode: 'SF', logisticsName: '顺丰速运' });
    expect((await sweep()).backfilled).toBe(1);
    const filled = await stateOf(key);
    expect(filled.waybillNo).toBe('SF1500000099001');
    expect(causes(filled).filter((c) => c.startsWith('tracking number back-filled from wdt logistics sync'))).toHaveLength(1);
    expect(wdt.state().syncs.find((s) => s.syncId === shipped.syncId)?.state).toBe('synced');

    // Acknowledged: the next run reads nothing more and the order hears nothing twice.
    expect((await sweep()).backfilled).toBe(0);
    expect(causes(await stateOf(key)).filter((c) => c.startsWith('tracking number back-filled'))).toHaveLength(1);

    // From now on the robot follows it like any parcel of a carrier without pushes.
    kdniao.track('SF', 'SF1500000099001');
    await kdniao.pickUp('SF1500000099001');
    await hub.redis.zadd(`${hub.prefix}track:due`, 0, 'SF1500000099001');
    expect((await sweep()).pickedUp).toBe(1);
    const moving = await waitFor(key, 'in_transit');
    expect(moving.waybillNo).toBe('SF1500000099001');
    await recordHistory(`order:${key}`, 'wms-backfill-tracking-number');
  });
});
