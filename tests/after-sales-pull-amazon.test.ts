import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as amazonSandbox, type AmazonSandbox } from '../adapters/amazon/sandbox.js';
import type { Hub } from '../src/hub.js';
import { pollScheduleId } from '../src/polling/schedules.js';
import type { CaseSnapshot } from '../workflows/after-sales/types.js';
import type { OrderPollResult } from '../workflows/order-poll.js';
import { startTestHub } from './support/hub.js';

/**
 * Amazon refunds pulled on real Temporal and Redis with the SP-API sandbox: the channel's poll
 * reads listFinancialEvents for each window after its orders; a posted refund opens its case on
 * the order line, refunded and closed at once (a refund only), and a window read again changes
 * nothing.
 */
const CHANNEL = 'amz-us';
let amz: AmazonSandbox;
let hub: (Hub & { prefix: string; taskQueue: string }) | null = null;

beforeAll(async () => {
  amz = await amazonSandbox.start();
  const cfg = amz.connectorConfig() as { lwa: Record<string, unknown> } & Record<string, unknown>;
  hub = await startTestHub({
    config: {
      connectors: [{ id: 'amz', adapter: 'amazon', config: { ...cfg, lwa: { ...cfg.lwa, clientSecret: '${AMZ_SECRET}', refreshToken: '${AMZ_REFRESH}' } } }],
      // A day's interval never fires during the test: runs are triggered, so the test owns the timing.
      channels: [{ id: CHANNEL, adapter: 'amazon', shop: 'amz-shop-1', connector: 'amz', mapping: 'amazon/order.v1', currency: 'USD', poll: { everyMinutes: 1440, maxWindowsPerRun: 4 } }],
    },
    env: { AMZ_SECRET: String(cfg.lwa['clientSecret']), AMZ_REFRESH: String(cfg.lwa['refreshToken']) },
  });
});
afterAll(async () => {
  await hub?.stop();
  await amz?.close();
});

/** Triggers the schedule now and waits for the run it started. */
async function pollOnce(client: Client, scheduleId: string): Promise<{ id: string; result: OrderPollResult }> {
  const handle = client.schedule.getHandle(scheduleId);
  for (let i = 0; i < 100 && (await handle.describe()).info.runningActions.length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.firstExecutionRunId));
  await handle.trigger();
  for (let i = 0; i < 200; i++) {
    const d = await handle.describe();
    const run = [...d.info.runningActions, ...d.info.recentActions.map((a) => a.action)].find((a) => !before.has(a.workflow.firstExecutionRunId));
    if (run) return { id: run.workflow.workflowId, result: (await client.workflow.getHandle(run.workflow.workflowId, run.workflow.firstExecutionRunId).result()) as OrderPollResult };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the schedule did not start a run');
}

const ago = (min: number) => new Date(Date.now() - min * 60_000);

describe('Amazon refunds pulled by the order poll', () => {
  it('a posted refund opens one case on its order line, closed as refunded; overlapping windows change nothing', async () => {
    if (!hub) throw new Error('no hub');
    const orderId = `113-${String(Date.now()).slice(-7)}-0000001`;
    const placed = amz.placeOrder({ id: orderId, currency: 'USD', lines: [{ sku: 'IPOD2008GREEN', qty: 2, price: 1999 }], updatedAt: ago(12) });
    // Posted 3 min ago: in the first window (ending 2 min before now) and in the next one's overlap.
    const refund = amz.refundOrder({ orderId, qty: 1, postedAt: ago(3) });
    const adjustment = String((refund['ShipmentItemAdjustmentList'] as { OrderAdjustmentItemId: string }[])[0]?.OrderAdjustmentItemId);
    const caseKey = `after-sales:amazon:${orderId}-${adjustment}`;
    const scheduleId = pollScheduleId(CHANNEL, hub.taskQueue);

    const first = await pollOnce(hub.client, scheduleId);
    expect(first.result.afterSales).toEqual({ read: 1, delivered: 1, unreadable: 0 });
    const end = (await hub.client.workflow.getHandle(caseKey).result()) as CaseSnapshot;
    expect(end).toMatchObject({ state: 'closed', type: 'refund_only', platform: 'amazon', orderKey: `${CHANNEL}:${orderId}`, amount: { minor: 1999, currency: 'USD' }, lines: [{ lineId: placed.items[0]?.orderItemId, sku: 'IPOD2008GREEN', qty: 1 }], refundDone: true });
    expect(end.closeReason).toBe('refund done on the platform');

    const second = await pollOnce(hub.client, scheduleId);
    expect(second.result.afterSales).toMatchObject({ read: 1, delivered: 0 });
    let runs = 0;
    for await (const _w of hub.client.workflow.list({ query: `WorkflowId = '${caseKey}'` })) runs++;
    expect(runs).toBe(1);
  });
});
