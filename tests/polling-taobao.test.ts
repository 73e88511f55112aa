import type { Client } from '@temporalio/client';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { pollScheduleId } from '../src/polling/schedules.js';
import type { OrderPollResult } from '../workflows/order-poll.js';
import { sandbox as topSandbox, type TaobaoSandbox } from '../adapters/taobao/sandbox.js';
import { parseGmt8 } from '../adapters/_shared/signing.js';
import { recordHistory } from './support/histories.js';
import { startTestHub } from './support/hub.js';

/**
 * Taobao incremental polling end to end: the channel's Temporal Schedule starts orderPoll, which
 * reads a real (local) TOP router by modified-time window, last page first, hands every trade to
 * intake, and moves the Redis cursor only after a window is finished. A worker dies while a page
 * is in flight; a new one finishes the run.
 */
const SECRET = 'top-secret';
const CHANNEL = 'tb-shop';
const LIST = 'taobao.trades.sold.increment.get';
let top: TaobaoSandbox;
let hubA: (Hub & { prefix: string; taskQueue: string }) | null = null;
let hubB: (Hub & { prefix: string; taskQueue: string }) | null = null;
// The ops chat robot (WeCom) that hears about lost ranges.
let robot: Server;
let robotUrl = '';
const alerts: { markdown?: { content?: string } }[] = [];

const config = (url: string) => ({
  connectors: [
    { id: 'tb', adapter: 'taobao', config: { appKey: 'tb-app', appSecret: '${TOP_SECRET}', sessionKey: '${TOP_SESSION}', baseUrl: url, pageSize: 2, signMethod: 'hmac-sha256' } },
    { id: 'ops', adapter: 'wecom', config: { key: '${ROBOT_KEY}', webhookUrl: robotUrl } },
  ],
  // A day's interval never fires during the test: runs are triggered, so the test owns the timing.
  channels: [{ id: CHANNEL, adapter: 'taobao', shop: 'tb-shop-1', connector: 'tb', mapping: 'taobao/order.v1', poll: { everyMinutes: 1440, maxWindowsPerRun: 4, alertConnector: 'ops' } }],
});
const env = { TOP_SECRET: SECRET, TOP_SESSION: 'sess', ROBOT_KEY: 'robot-key' };

beforeAll(async () => {
  robot = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      alerts.push(JSON.parse(body) as (typeof alerts)[number]);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => robot.listen(0, '127.0.0.1', () => r()));
  const addr = robot.address();
  robotUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/cgi-bin/webhook/send`;
  top = await topSandbox.start({ appKey: 'tb-app', appSecret: SECRET, sessionKey: 'sess' });
  hubA = await startTestHub({ env, config: config(topUrl()) });
});
afterAll(async () => {
  await hubA?.stop();
  await hubB?.stop();
  await top?.close();
  await new Promise<void>((r) => (robot ? robot.close(() => r()) : r()));
});

/** Triggers the schedule now and returns a handle on the run it started. */
async function trigger(client: Client, scheduleId: string) {
  const handle = client.schedule.getHandle(scheduleId);
  // Overlap SKIP: a trigger while the schedule still counts the last run as running is skipped,
  // and it learns of a finished run a moment after the run's result is available.
  for (let i = 0; i < 100 && (await handle.describe()).info.runningActions.length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  // Runs are told apart by run id: two runs started in the same second share a workflow id.
  const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.firstExecutionRunId));
  await handle.trigger();
  for (let i = 0; i < 100; i++) {
    const d = await handle.describe();
    const run = [...d.info.runningActions, ...d.info.recentActions.map((a) => a.action)].find((a) => !before.has(a.workflow.firstExecutionRunId));
    if (run) return { id: run.workflow.workflowId, handle: client.workflow.getHandle(run.workflow.workflowId, run.workflow.firstExecutionRunId) };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the schedule did not start a run');
}

const ago = (ms: number) => new Date(Date.now() - ms);
const topUrl = () => String(top.connectorConfig()['baseUrl']);

/** A trade as the polling test needs it: one line, this status, modified then (created, or changed). */
function put(tid: string, modified: Date, status: 'WAIT_SELLER_SEND_GOODS' | 'WAIT_BUYER_PAY' | 'TRADE_CLOSED') {
  if (top.state().orders.some((o) => o.tid === tid)) top.updateOrder(tid, { status, modifiedAt: modified });
  else top.placeOrder({ id: tid, status, lines: [{ sku: 'FT-1KG', qty: 1, price: 5900, title: '手工红薯粉条 1kg' }], modifiedAt: modified });
}

interface ListCall {
  start: Date;
  end: Date;
  page: number;
  /** The call was answered (false: the client went away while it was held). */
  answered: boolean;
}
/** The list calls the sandbox saw, in order: answered ones from their log event, lost ones from `request.lost`. */
function listCalls(): ListCall[] {
  return top.log.events.flatMap((e): ListCall[] => {
    if (e.kind === LIST) {
      const d = e.data as { start: string; end: string; page: number };
      return [{ start: new Date(d.start), end: new Date(d.end), page: d.page, answered: true }];
    }
    if (e.kind === 'request.lost' && e.key === LIST) {
      const p = (e.data as { params: Record<string, string> }).params;
      return [{ start: parseGmt8(p['start_modified'] ?? '') ?? new Date(NaN), end: parseGmt8(p['end_modified'] ?? '') ?? new Date(NaN), page: Number(p['page_no'] ?? '1'), answered: false }];
    }
    return [];
  });
}
const pagesOf = (calls: ListCall[], start: Date) => calls.filter((c) => c.start.getTime() === start.getTime()).map((c) => `${c.page}${c.answered ? '' : '(lost)'}`);

describe('order polling on Temporal Schedules (Taobao)', () => {
  it('two polls with overlap, backwards paging, a re-modified order and a worker crash: one workflow per order, cursor advanced per window', async () => {
    if (!hubA) throw new Error('no hub');
    const scheduleId = pollScheduleId(CHANNEL, hubA.taskQueue);
    const cursorKey = `${hubA.prefix}poll:cursor:${CHANNEL}`;

    // The schedule exists and says what it is.
    const desc = await hubA.client.schedule.getHandle(scheduleId).describe();
    expect(desc.policies.overlap).toBe('SKIP');
    expect(desc.action).toMatchObject({ type: 'startWorkflow', workflowType: 'orderPoll', args: [{ channel: CHANNEL }], taskQueue: hubA.taskQueue });
    expect(desc.spec.intervals?.[0]?.every).toBe(1440 * 60_000);
    expect(String(desc.memo?.['purpose'])).toContain('incremental order pull of shop tb-shop-1');

    // Five trades in the first window, newest first: p1 = [E, D], p2 = [C, B], p3 = [A].
    const tid = (c: string) => `38${Date.now() % 1_000_000}${c.charCodeAt(0)}`;
    const ids = Object.fromEntries(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((c) => [c, tid(c)])) as Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G', string>;
    put(ids.A, ago(20 * 60_000), 'WAIT_SELLER_SEND_GOODS');
    put(ids.B, ago(15 * 60_000), 'WAIT_SELLER_SEND_GOODS');
    put(ids.C, ago(10 * 60_000), 'WAIT_BUYER_PAY');
    put(ids.D, ago(5 * 60_000), 'WAIT_BUYER_PAY');
    put(ids.E, ago(60_000), 'WAIT_SELLER_SEND_GOODS');

    // While page 2 is read: D is paid (modified now, so it leaves the window and the rows shift),
    // and the answer is held until the worker that asked is gone.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let pageTwoAsked!: () => void;
    const pageTwo = new Promise<void>((r) => (pageTwoAsked = r));
    let pageTwoCalls = 0;
    top.holdCalls((call) => {
      if (call.method !== LIST || call.params['page_no'] !== '2' || ++pageTwoCalls > 1) return null;
      put(ids.D, new Date(), 'WAIT_SELLER_SEND_GOODS');
      pageTwoAsked();
      return released;
    });

    const run1 = (await trigger(hubA.client, scheduleId)).id;
    await pageTwo;
    // Crash: the worker goes away mid-page. Nothing of the window is committed yet.
    const { prefix, taskQueue } = hubA;
    await hubA.stop();
    hubA = null;
    release();
    hubB = await startTestHub({ env, config: config(topUrl()), prefix, taskQueue });
    expect(await hubB.redis.get(cursorKey)).toBeNull();

    // The run continues on the new worker (same workflow id, replayed from its history).
    const r1: OrderPollResult = await hubB.client.workflow.getHandle(run1).result();
    await recordHistory(run1, 'poll-worker-lost-mid-window');
    const w1Start = listCalls()[0]?.start;
    if (!w1Start) throw new Error('no list call');
    // Last page first (page 1 only to learn the total), the lost page read again, then page 1.
    expect(pagesOf(listCalls(), w1Start)).toEqual(['1', '3', '2(lost)', '2', '1']);
    expect(r1).toMatchObject({ cursorBefore: null, windows: 1, started: 4, duplicates: 1, quarantined: 0, lost: null });
    expect(r1.cursorAfter).toBe(listCalls()[0]?.end.toISOString());
    expect(await hubB.redis.get(cursorKey)).toBe(r1.cursorAfter);
    const cursor1 = new Date(r1.cursorAfter ?? '');
    expect(cursor1.getTime() - w1Start.getTime()).toBe(30 * 60_000);

    // Between polls: B is closed (modified again), F is new, and G shows up late in the index
    // with a modified time before the cursor (inside the overlap).
    put(ids.B, ago(3_000), 'TRADE_CLOSED');
    put(ids.F, ago(5_000), 'WAIT_SELLER_SEND_GOODS');
    put(ids.G, new Date(cursor1.getTime() - 60_000), 'WAIT_SELLER_SEND_GOODS');
    top.holdCalls(null);

    const r2: OrderPollResult = await (await trigger(hubB.client, scheduleId)).handle.result();
    const w2 = listCalls().at(-1);
    // The second window re-reads the overlap (2 min before the cursor) and ends at the new cursor.
    expect(w2?.start.toISOString()).toBe(new Date(cursor1.getTime() - 120_000).toISOString());
    expect(r2).toMatchObject({ cursorBefore: r1.cursorAfter, windows: 1, started: 3, duplicates: 2, quarantined: 0 });
    expect(r2.cursorAfter).toBe(w2?.end.toISOString());
    expect(await hubB.redis.get(cursorKey)).toBe(r2.cursorAfter);

    // Every trade has exactly one order workflow; none has two.
    const hub = hubB;
    const counts = new Map<string, number>();
    for (let i = 0; i < 50; i++) {
      counts.clear();
      for await (const w of hub.client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND WorkflowType = 'orderLifecycle'` })) counts.set(w.workflowId, (counts.get(w.workflowId) ?? 0) + 1);
      if (counts.size >= 7) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect([...counts.keys()].sort()).toEqual(Object.values(ids).map((t) => `order:${CHANNEL}:${t}`).sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const closed = await hub.client.workflow.getHandle(`order:${CHANNEL}:${ids.B}`).describe();
    expect(closed.workflowId).toBe(`order:${CHANNEL}:${ids.B}`);
  });
});

describe('a cursor older than Taobao serves', () => {
  it('reports the lost range once (log, metric, Redis, alert) and catches up from the oldest readable time in bounded runs', async () => {
    const hub = hubB;
    if (!hub) throw new Error('the first test did not leave a running hub');
    const scheduleId = pollScheduleId(CHANNEL, hub.taskQueue);
    const cursorKey = `${hub.prefix}poll:cursor:${CHANNEL}`;
    const stale = new Date(Date.now() - 100 * 24 * 3600_000);
    await hub.redis.set(cursorKey, stale.toISOString());

    const lostRun = await trigger(hub.client, scheduleId);
    const r: OrderPollResult = await lostRun.handle.result();
    await recordHistory(lostRun.id, 'poll-lost-range-catch-up');
    if (!r.lost) throw new Error('no lost range reported');
    expect(r.lost.start).toBe(stale.toISOString());
    const lostDays = (new Date(r.lost.end).getTime() - stale.getTime()) / (24 * 3600_000);
    expect(lostDays).toBeGreaterThan(9.9);
    expect(lostDays).toBeLessThan(10.1);
    // Four windows (maxWindowsPerRun) of 30 minutes from the oldest readable second; more to come.
    expect(r).toMatchObject({ windows: 4, more: true, started: 0 });
    expect(r.cursorAfter).toBe(new Date(new Date(r.lost.end).getTime() + 4 * 30 * 60_000).toISOString());
    expect(await hub.redis.get(cursorKey)).toBe(r.cursorAfter);
    expect(Object.keys(await hub.redis.hgetall(`${hub.prefix}poll:lost:${CHANNEL}`))).toEqual([`${r.lost.start}/${r.lost.end}`]);
    expect((await hub.metrics.pollLostRanges.get()).values.find((v) => v.labels['channel'] === CHANNEL)?.value).toBe(1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.markdown?.content ?? JSON.stringify(alerts[0])).toContain(`could not read ${r.lost.start}`);

    // The next run continues where this one stopped; nothing more is lost or alerted.
    const r2: OrderPollResult = await (await trigger(hub.client, scheduleId)).handle.result();
    expect(r2).toMatchObject({ cursorBefore: r.cursorAfter, windows: 4, lost: null });
    expect(alerts).toHaveLength(1);
  });
});
