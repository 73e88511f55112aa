import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as kuaishouSandbox, type KuaishouSandbox } from '../adapters/kuaishou/sandbox.js';
import { sandbox as wechatSandbox, type WeChatSandbox } from '../adapters/wechat-channels/sandbox.js';
import type { Hub } from '../src/hub.js';
import { pollScheduleId } from '../src/polling/schedules.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';

/**
 * WeChat and Kuaishou pull by update time with a server cursor (next_key / cursor), not page
 * numbers: the channel's schedule runs orderPoll, which follows the string nextPage across pages
 * (page size 2, three orders) and starts one workflow per order. Each platform is its sandbox.
 */
let wx: WeChatSandbox;
let ks: KuaishouSandbox;
let hub: Hub & { prefix: string; taskQueue: string };

beforeAll(async () => {
  wx = await wechatSandbox.start();
  ks = await kuaishouSandbox.start();
  const [wxc, ksc] = [wx.connectorConfig(), ks.connectorConfig()];
  hub = await startTestHub({
    env: { WX_SECRET: String(wxc['appSecret']), WX_TOKEN: String(wxc['pushToken']), KS_SIGN: String(ksc['signSecret']), KS_TOKEN: String(ksc['accessToken']) },
    config: {
      connectors: [
        { id: 'wx', adapter: 'wechat-channels', config: { appId: wxc['appId'], appSecret: '${WX_SECRET}', pushToken: '${WX_TOKEN}', baseUrl: wx.server.url, pageSize: 2 } },
        { id: 'ks', adapter: 'kuaishou', config: { appKey: ksc['appKey'], signSecret: '${KS_SIGN}', accessToken: '${KS_TOKEN}', baseUrl: ks.server.url, pageSize: 2 } },
      ],
      // A day's interval never fires during the test: runs are triggered.
      channels: [
        { id: 'wx-poll', adapter: 'wechat-channels', shop: 'wx-shop', connector: 'wx', mapping: 'wechat-channels/order.v1', poll: { everyMinutes: 1440 } },
        { id: 'ks-poll', adapter: 'kuaishou', shop: 'ks-shop', connector: 'ks', mapping: 'kuaishou/order.v1', poll: { everyMinutes: 1440 } },
      ],
    },
  });
});
afterAll(async () => {
  await hub?.stop();
  await wx?.close();
  await ks?.close();
});

/** Triggers the channel's schedule and waits for the run it started to finish. */
async function runPoll(client: Client, scheduleId: string): Promise<unknown> {
  const handle = client.schedule.getHandle(scheduleId);
  const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.firstExecutionRunId));
  await handle.trigger();
  for (let i = 0; i < 200; i++) {
    const d = await handle.describe();
    const run = [...d.info.runningActions, ...d.info.recentActions.map((a) => a.action)].find((a) => !before.has(a.workflow.firstExecutionRunId));
    if (run) return client.workflow.getHandle(run.workflow.workflowId, run.workflow.firstExecutionRunId).result();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the schedule did not start a run');
}
const stored = async (key: string) => (await hub.app.request(`/api/orders/${key}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status;
const tail = String(Date.now()).slice(-8);
/** Workflows (every run) of these orders: one each means intake started none twice. */
async function workflowsOf(channel: string, ids: string[]): Promise<number> {
  let n = 0;
  for (const id of ids) for await (const _w of hub.client.workflow.list({ query: `WorkflowId = 'order:${channel}:${id}'` })) n++;
  return n;
}

describe('cursor-paged polling (WeChat, Kuaishou)', () => {
  it('WeChat: three orders over two next_key pages, each started once', async () => {
    const ids = [1, 2, 3].map((i) => `37051150${tail}${i}`);
    ids.forEach((id, i) => wx.placeOrder({ id, lines: [{ sku: `W-${i}`, qty: 1, price: 100 }], modifiedAt: new Date(Date.now() - (5 + i) * 60_000) }));
    await runPoll(hub.client, pollScheduleId('wx-poll', hub.taskQueue));
    for (const id of ids) expect(await stored(`wx-poll:${id}`)).toBe(200);
    // Two list pages (2 + 1 ids), one detail per id: the string next_key was followed.
    expect(wx.server.arrivals.filter((a) => a.path === '/channels/ec/order/list/get').length).toBe(2);
    expect(wx.server.arrivals.filter((a) => a.path === '/channels/ec/order/get').length).toBe(3);
    await expect.poll(() => workflowsOf('wx-poll', ids), { timeout: 10_000 }).toBe(3);
    expect(wx.log.events.filter((e) => e.kind === 'request.refused')).toEqual([]);
  });
  it('Kuaishou: three orders over two cursor pages, each started once', async () => {
    const ids = [1, 2, 3].map((i) => `20156${tail}${i}`);
    ids.forEach((id, i) => ks.placeOrder({ id, lines: [{ sku: `K-${i}`, qty: 1, price: 100 }], modifiedAt: new Date(Date.now() - (5 + i) * 60_000) }));
    await runPoll(hub.client, pollScheduleId('ks-poll', hub.taskQueue));
    for (const id of ids) expect(await stored(`ks-poll:${id}`)).toBe(200);
    // Two cursor pages of whole orders, no detail calls.
    expect(ks.server.arrivals.filter((a) => a.path === '/open/order/cursor/list').length).toBe(2);
    expect(ks.server.arrivals.filter((a) => a.path === '/open/order/detail').length).toBe(0);
    await expect.poll(() => workflowsOf('ks-poll', ids), { timeout: 10_000 }).toBe(3);
    expect(ks.log.events.filter((e) => e.kind === 'request.refused')).toEqual([]);
  });
});
