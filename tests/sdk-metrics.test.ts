import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { createLogger } from '../src/logger.js';
import { installTemporalLogger } from '../src/temporal/runtime-logger.js';
import { SDK_DASHBOARD_METRICS } from '../src/temporal/sdk-metrics.js';
import { freePort } from './support/global-setup.js';
import { startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { orderApi } from './support/orders.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * The SDK worker's metrics (workflow task latency and the rest the dashboard shows) are really
 * served by the SDK core's Prometheus exporter once an order has gone through the worker. This
 * file installs the runtime itself, before the hub: Runtime.install runs once per process.
 */
const WH = 'WH-SDKM';
let hub: Hub & { prefix: string; taskQueue: string };
let address = '';
const { waitFor } = orderApi(() => hub);

beforeAll(async () => {
  address = `127.0.0.1:${await freePort()}`;
  installTemporalLogger(createLogger({ level: 'error', name: 'temporal-sdk' }), 'WARN', address);
  hub = await startTestHub({ config: { lifecycle: { enabled: true, warehouse: WH }, rules: { interception: { risk: false } } } });
  const pool = new InventoryPool(hub.redis, hub.prefix);
  for (const s of ['SDKM-A', 'SDKM-B']) await pool.setOnHand(WH, s, 5);
});
afterAll(async () => {
  await hub?.stop();
});

describe('SDK worker metrics', () => {
  it('serves every SDK metric the dashboard queries, with samples, after an order ran', async () => {
    const body = sampleOrder(newOrderId(), (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "SDKM-A"').replace('"sku": "IPOD2008BLUE"', '"sku": "SDKM-B"'));
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
    expect(res.status).toBe(200);
    await waitFor((await json(res)).orderKey, 'inventory_locked');
    // The exporter reads the core's instruments at scrape time; the last task's figures may lag a moment.
    let text = '';
    await expect
      .poll(
        async () => {
          text = await (await fetch(`http://${address}/metrics`)).text();
          return SDK_DASHBOARD_METRICS.filter((m) => !new RegExp(`^${m}\\{[^}]*\\} [0-9.e+]+$`, 'm').test(text));
        },
        { timeout: 20_000, interval: 500 },
      )
      .toEqual([]);
    // The workflow task latency histogram counted this hub's tasks (on its task queue).
    const count = new RegExp(`^temporal_workflow_task_execution_latency_count\\{[^}]*task_queue="${hub.taskQueue}"[^}]*\\} ([0-9.e+]+)$`, 'm').exec(text);
    expect(Number(count?.[1] ?? 0)).toBeGreaterThan(0);
  });
});
