import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { wmsReturnsScheduleId } from '../src/tracking/schedules.js';
import { getCaseState } from '../workflows/after-sales/definitions.js';
import type { CaseSnapshot } from '../workflows/after-sales/types.js';
import type { WmsReturnsResult } from '../src/after-sales/wms-returns.js';
import { startTestHub } from './support/hub.js';
import { newOrderId, shopifyRequest } from './support/shopify.js';
import { json } from './support/json.js';

/**
 * The same return stock-ins through Wangdiantong's ultimate edition (旗舰版,
 * wms.stockin.Refund.queryWithDetail) on real Temporal and Redis with the WDT sandbox: the sweep
 * tells the waiting case, which restocks once and closes; a re-read restocks nothing.
 */
let wdt: WdtSandbox;
let hub: (Hub & { prefix: string; taskQueue: string }) | null = null;
const SKU = 'IPOD2008GREEN';

beforeAll(async () => {
  wdt = await wdtSandbox.start();
  const c = wdt.connectorConfig('ultimate');
  hub = await startTestHub({
    env: { WDT_SECRET: String(c['appsecret']) },
    config: {
      connectors: [{ id: 'wdt', adapter: 'wangdiantong', config: { ...c, appsecret: '${WDT_SECRET}' } }],
      afterSales: { returns: { wms: 'wdt', everyMinutes: 1440 } },
    },
  });
});
afterAll(async () => {
  await hub?.stop();
  await wdt?.close();
});

async function until<T>(read: () => Promise<T>, ok: (x: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    last = await read();
    if (ok(last)) return last;
  }
  throw new Error(`still waiting for ${what}: ${JSON.stringify(last)?.slice(0, 400)}`);
}

describe('WMS return stock-ins, ultimate edition', () => {
  it('tell the waiting case once: restocked once, closed; a re-read restocks nothing', async () => {
    if (!hub) throw new Error('no hub');
    const h = hub;
    expect((await h.client.schedule.getHandle(wmsReturnsScheduleId(h.taskQueue)).describe()).action).toMatchObject({ workflowType: 'wmsReturnsSweep' });
    const orderId = newOrderId();
    const refundId = `8${Date.now()}`;
    // The order id is past 2^53: written as a bare number in the text, as Shopify sends it.
    const refund = JSON.stringify({ id: Number(refundId), order_id: 'ORDER_ID', created_at: '2026-12-05T10:00:00-05:00', note: 'wrong size', refund_line_items: [{ line_item_id: 466157049, quantity: 1, restock_type: 'return', line_item: { sku: SKU } }], transactions: [{ kind: 'refund', status: 'success', amount: '41.94', currency: 'USD' }] }).replace('"ORDER_ID"', orderId);
    const res = await h.app.request('/webhooks/shopify', shopifyRequest(refund, { topic: 'refunds/create', webhookId: `w-${refundId}` }));
    expect(res.status).toBe(200);
    const caseKey = `after-sales:shopify:${refundId}`;
    expect(await json(res)).toMatchObject({ caseKey });
    await until(() => h.client.workflow.getHandle(caseKey).query(getCaseState), (c) => c.state === 'awaiting_return' && c.caseNumber !== null, 'the case waiting for the goods');
    // The read model is what the sweep finds the case by.
    await until(() => h.redis.smembers(`${h.prefix}{as}:by-order:shopify-test:${orderId}`), (m) => m.length === 1, 'the case in the order index');

    const pool = new InventoryPool(h.redis, h.prefix);
    const before = (await pool.get('WH1', SKU)).onHand;
    wdt.receiveReturn({ tid: orderId, lines: [{ oid: '466157049', specNo: SKU, num: 1 }], logisticsNo: 'SF1234567890' });
    const sweep = (id: string) => h.client.workflow.execute('wmsReturnsSweep', { workflowId: id, taskQueue: h.taskQueue, args: [] }) as Promise<WmsReturnsResult>;
    const first = await sweep(`wms-returns-ultimate-1-${refundId}`);
    expect(first).toEqual({ read: 1, repeated: 0, received: 1, unmatched: 0 });
    const end = (await h.client.workflow.getHandle(caseKey).result()) as CaseSnapshot;
    expect(end.timeline.filter((t) => t.kind === 'state').map((t) => t.state)).toEqual(['open', 'awaiting_return', 'return_received', 'refunded', 'closed']);
    expect(end.timeline.find((t) => t.kind === 'restocked')).toMatchObject({ text: `restocked in WH1: ${SKU} x1`, actor: expect.stringContaining('RK') });
    expect((await pool.get('WH1', SKU)).onHand).toBe(before + 1);

    const second = await sweep(`wms-returns-ultimate-2-${refundId}`);
    expect(second).toEqual({ read: 1, repeated: 1, received: 0, unmatched: 0 });
    expect((await pool.get('WH1', SKU)).onHand).toBe(before + 1);

    // A stock-in no case waits for is reported, not restocked.
    wdt.receiveReturn({ tid: 'no-such-order', lines: [{ oid: '1', specNo: SKU, num: 1 }] });
    expect(await sweep(`wms-returns-ultimate-3-${refundId}`)).toMatchObject({ received: 0, unmatched: 1 });
    expect((await pool.get('WH1', SKU)).onHand).toBe(before + 1);
  });
});
