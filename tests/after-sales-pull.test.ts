import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as pddSandbox, type PddSandbox } from '../adapters/pinduoduo/sandbox.js';
import { PDD_AFTER_SALES_STATUS, PDD_AFTER_SALES_TYPE } from '../adapters/pinduoduo/sandbox-refunds.js';
import type { Hub } from '../src/hub.js';
import { pollScheduleId } from '../src/polling/schedules.js';
import { getCaseState } from '../workflows/after-sales/definitions.js';
import type { CaseSnapshot } from '../workflows/after-sales/types.js';
import type { OrderPollResult } from '../workflows/order-poll.js';
import { FinanceConfig } from '../src/finance/config.js';
import { localDay, reconcile, type DetailRow } from '../src/finance/reconcile.js';
import { recordHistory } from './support/histories.js';
import { startTestHub } from './support/hub.js';

/**
 * Pulled after-sales on real Temporal and Redis with the Pinduoduo sandbox: the channel's poll
 * reads pdd.refund.list.increment.get for each window after its orders, a refund opens its case
 * on the order, the platform's 退款成功 read by the next poll closes it, and a window read again
 * (overlap) changes nothing.
 */
const CHANNEL = 'pdd-main';
let pdd: PddSandbox;
let hub: (Hub & { prefix: string; taskQueue: string }) | null = null;

beforeAll(async () => {
  pdd = await pddSandbox.start();
  hub = await startTestHub({
    config: {
      connectors: [{ id: 'pdd', adapter: 'pinduoduo', config: { ...pdd.connectorConfig(), clientSecret: '${PDD_SECRET}', accessToken: '${PDD_TOKEN}' } }],
      // A day's interval never fires during the test: runs are triggered, so the test owns the timing.
      channels: [{ id: CHANNEL, adapter: 'pinduoduo', shop: 'pdd-shop-1', connector: 'pdd', mapping: 'pinduoduo/order.v1', poll: { everyMinutes: 1440, maxWindowsPerRun: 4 } }],
    },
    env: { PDD_SECRET: String(pdd.connectorConfig()['clientSecret']), PDD_TOKEN: String(pdd.connectorConfig()['accessToken']) },
  });
});
afterAll(async () => {
  await hub?.stop();
  await pdd?.close();
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

describe('Pinduoduo after-sales pulled by the order poll', () => {
  it('a refund opens one case on its order; 退款成功 on the next poll closes it; overlapping windows change nothing', async () => {
    if (!hub) throw new Error('no hub');
    const sn = `261206-${String(Date.now()).padStart(15, '0')}`;
    pdd.placeOrder({ id: sn, status: 2, lines: [{ sku: 'FT-1KG', qty: 1, price: 5900, title: '手工红薯粉条 1kg' }], modifiedAt: ago(12) });
    const refund = pdd.openRefund({ orderSn: sn, type: PDD_AFTER_SALES_TYPE.REFUND_ONLY, modifiedAt: ago(10) });
    const caseKey = `after-sales:pinduoduo:${String(refund['id'])}`;
    const scheduleId = pollScheduleId(CHANNEL, hub.taskQueue);

    const first = await pollOnce(hub.client, scheduleId);
    expect(first.result.afterSales).toEqual({ read: 1, delivered: 1, unreadable: 0 });
    const opened = await hub.client.workflow.getHandle(caseKey).query(getCaseState);
    expect(opened).toMatchObject({ state: 'open', type: 'refund_only', platform: 'pinduoduo', platformCaseId: String(refund['id']), orderKey: `${CHANNEL}:${sn}`, amount: { minor: 5900, currency: 'CNY' } });

    // The next window starts 2 min before the cursor (now - 3 min at the first run): the update lands in it.
    const paidOutAt = ago(4);
    pdd.updateRefund(Number(refund['id']), { status: PDD_AFTER_SALES_STATUS.REFUNDED, modifiedAt: paidOutAt });
    const second = await pollOnce(hub.client, scheduleId);
    expect(second.result.afterSales).toMatchObject({ read: 1, delivered: 1 });
    const end = (await hub.client.workflow.getHandle(caseKey).result()) as CaseSnapshot;
    expect(end.state).toBe('closed');
    expect(end.closeReason).toBe('refund done on the platform');
    expect(end.timeline.filter((t) => t.kind === 'state').map((t) => t.state)).toEqual(['open', 'refunded', 'closed']);
    await recordHistory(second.id, 'poll-after-sales-pull-refund-closed');
    await recordHistory(caseKey, 'after-sales-pull-case-records-refund');

    // The order gives its refund status only: the case put the amount and time in the order store, and finance counts them.
    const store = hub.orders;
    if (!store) throw new Error('no order store');
    const recorded = await store.db.db.selectFrom('order_refunds').selectAll().where('case_key', '=', caseKey).execute();
    expect(recorded.map((r) => [r.workflow_id, r.platform_case_id, r.line_ids, r.amount_minor, r.currency, r.refunded_at.getTime()])).toEqual([[`order:${CHANNEL}:${sn}`, String(refund['id']), opened.lines.map((l) => l.lineId), 5900, 'CNY', Math.floor(paidOutAt.getTime() / 1000) * 1000]]);
    const month = localDay(paidOutAt.toISOString(), 8 * 3_600_000).slice(0, 7);
    let refunded = -1n;
    for (let i = 0; i < 100 && refunded !== 5900n; i++) {
      const rows: DetailRow[] = [];
      await reconcile(store.financeSource(), { month, config: FinanceConfig.parse({}) }, (r) => void rows.push(r));
      refunded = rows.filter((r) => r.platformOrderId === sn).reduce((a, r) => a + r.refunds, 0n);
      if (refunded !== 5900n) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refunded).toBe(5900n);

    // A third poll re-reads the overlap: the closed case is not started again.
    const third = await pollOnce(hub.client, scheduleId);
    expect(third.result.afterSales?.delivered ?? 0).toBe(0);
    let runs = 0;
    for await (const _w of hub.client.workflow.list({ query: `WorkflowId = '${caseKey}'` })) runs++;
    expect(runs).toBe(1);
  });
});
