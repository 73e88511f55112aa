import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JD_ASC_EXPECT, JD_ASC_STATUS } from '../adapters/jd/aftersales-codes.js';
import { sandbox as jdSandbox, type JdSandbox } from '../adapters/jd/sandbox.js';
import type { Hub } from '../src/hub.js';
import { pollScheduleId } from '../src/polling/schedules.js';
import { getCaseState } from '../workflows/after-sales/definitions.js';
import type { CaseSnapshot } from '../workflows/after-sales/types.js';
import type { OrderPollResult } from '../workflows/order-poll.js';
import { startTestHub } from './support/hub.js';

/**
 * JD after-sales service orders pulled on real Temporal and Redis with the JOS sandbox: the
 * channel's poll reads jingdong.asc.query.list for each window after its orders, a return
 * request opens its case on the order line, the completed service read by the next poll closes
 * it, and an overlapping window changes nothing.
 */
const CHANNEL = 'jd-main';
let jd: JdSandbox;
let hub: (Hub & { prefix: string; taskQueue: string }) | null = null;

beforeAll(async () => {
  jd = await jdSandbox.start();
  const cfg = jd.connectorConfig();
  hub = await startTestHub({
    config: {
      connectors: [{ id: 'jd', adapter: 'jd', config: { ...cfg, appSecret: '${JD_SECRET}', accessToken: '${JD_TOKEN}' } }],
      // A day's interval never fires during the test: runs are triggered, so the test owns the timing.
      channels: [{ id: CHANNEL, adapter: 'jd', shop: 'jd-shop-1', connector: 'jd', mapping: 'jd/order.v1', poll: { everyMinutes: 1440, maxWindowsPerRun: 4 } }],
    },
    env: { JD_SECRET: String(cfg['appSecret']), JD_TOKEN: String(cfg['accessToken']) },
  });
});
afterAll(async () => {
  await hub?.stop();
  await jd?.close();
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

describe('JD after-sales pulled by the order poll', () => {
  it('a return request opens one case on its order line; the completed service on the next poll closes it; overlapping windows change nothing', async () => {
    if (!hub) throw new Error('no hub');
    const orderId = String(300_000_000_000 + (Date.now() % 1_000_000_000));
    jd.placeOrder({ id: orderId, lines: [{ sku: 'FT-1KG', qty: 1, price: 5900, title: '手工红薯粉条 1kg' }], modifiedAt: ago(12) });
    const service = jd.openAfterSale({ orderId, expect: JD_ASC_EXPECT.RETURN, modifiedAt: ago(10) });
    const caseKey = `after-sales:jd:${String(service['serviceId'])}`;
    const scheduleId = pollScheduleId(CHANNEL, hub.taskQueue);

    const first = await pollOnce(hub.client, scheduleId);
    expect(first.result.afterSales).toEqual({ read: 1, delivered: 1, unreadable: 0 });
    const opened = await hub.client.workflow.getHandle(caseKey).query(getCaseState);
    expect(opened).toMatchObject({ state: 'open', type: 'return_and_refund', platform: 'jd', platformCaseId: String(service['serviceId']), orderKey: `${CHANNEL}:${orderId}`, lines: [{ lineId: String(service['skuId']), qty: 1 }] });

    // A minute ago: in the next window and in the overlap (2 min) of the one after.
    jd.updateAfterSale(Number(service['serviceId']), { status: JD_ASC_STATUS.COMPLETED, modifiedAt: ago(1) });
    const second = await pollOnce(hub.client, scheduleId);
    expect(second.result.afterSales).toMatchObject({ read: 1, delivered: 1 });
    const end = (await hub.client.workflow.getHandle(caseKey).result()) as CaseSnapshot;
    expect(end.state).toBe('closed');
    expect(end.closeReason).toBe('refund done on the platform');

    const third = await pollOnce(hub.client, scheduleId);
    expect(third.result.afterSales).toMatchObject({ read: 1, delivered: 0 });
    let runs = 0;
    for await (const _w of hub.client.workflow.list({ query: `WorkflowId = '${caseKey}'` })) runs++;
    expect(runs).toBe(1);
  });
});
