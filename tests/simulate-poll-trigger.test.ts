import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as topSandbox, type TaobaoSandbox } from '../adapters/taobao/sandbox.js';
import type { Hub } from '../src/hub.js';
import { pollScheduleId } from '../src/polling/schedules.js';
import { pollNow } from '../src/simulate/background.js';
import { startTestHub } from './support/hub.js';

/**
 * The simulator polls its shops far more often than a schedule would (every 2 s), so it must
 * never start a second poll of a shop while one runs: the hub's polls assume one at a time per
 * shop (its cursor, its overlap re-read). Seen on the 2,000-order day: ~300 polls at once.
 */
const CHANNEL = 'tb-sim';
let top: TaobaoSandbox;
let hub: (Hub & { prefix: string; taskQueue: string }) | null = null;

beforeAll(async () => {
  top = await topSandbox.start({ appKey: 'tb-app', appSecret: 'top-secret', sessionKey: 'sess' });
  hub = await startTestHub({
    env: { TOP_SECRET: 'top-secret', TOP_SESSION: 'sess' },
    config: {
      connectors: [{ id: 'tb', adapter: 'taobao', config: { appKey: 'tb-app', appSecret: '${TOP_SECRET}', sessionKey: '${TOP_SESSION}', baseUrl: String(top.connectorConfig()['baseUrl']), signMethod: 'hmac-sha256' } }],
      // A day's interval never fires during the test: only pollNow starts runs.
      channels: [{ id: CHANNEL, adapter: 'taobao', shop: 'tb-shop-1', connector: 'tb', mapping: 'taobao/order.v1', poll: { everyMinutes: 1440 } }],
    },
  });
});
afterAll(async () => {
  await hub?.stop();
  await top?.close();
});

describe('the simulator polling its shops', () => {
  it('starts no second poll of a shop while one is still reading', async () => {
    if (!hub) throw new Error('no hub');
    // Every TOP call takes 3 s: the first run is still reading when the next triggers come.
    top.server.setFaults({ latencyMs: 3_000 });
    const scheduleId = pollScheduleId(CHANNEL, hub.taskQueue);
    for (let i = 0; i < 5; i++) {
      await pollNow(hub.client, scheduleId);
      await new Promise((r) => setTimeout(r, 300));
    }
    // The scheduler acts on a trigger a moment later, and visibility lags it: count until steady.
    const count = async () => {
      let n = 0;
      for await (const _ of hub!.client.workflow.list({ query: `WorkflowType = 'orderPoll' AND TaskQueue = '${hub!.taskQueue}'` })) n++;
      return n;
    };
    let runs = -1;
    for (let last = -2; runs !== last || runs === 0; ) {
      last = runs;
      await new Promise((r) => setTimeout(r, 1_500));
      runs = await count();
    }
    expect(runs).toBe(1);
    top.server.setFaults({ latencyMs: 0 });
  });
});
