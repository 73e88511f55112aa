import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as dingtalkSandbox, type DingtalkSandbox } from '../adapters/dingtalk/sandbox.js';
import { sandbox as wecomSandbox, type WecomSandbox } from '../adapters/wecom/sandbox.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { notificationsSchema } from '../src/notify/config.js';
import { NotificationRouter } from '../src/notify/router.js';
import { createNotifyActivities } from '../src/notify/activities.js';
import { DecisionQueue } from '../src/store/decisions.js';
import { ParcelStore } from '../src/tracking/parcels.js';
import { createLogger } from '../src/logger.js';
import { secretsToEnv } from '../src/sandbox/world.js';
import { SA_ORDER_STATUS } from '../workflows/search-attributes.js';
import { dailySummaryScheduleId } from '../src/tracking/schedules.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { orderApi } from './support/orders.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * The notification router on the real dev server and Redis with the WeCom and DingTalk robot
 * sandboxes (both enforce 20 messages a minute) and a local generic webhook.
 */
const WH = 'WH-NT';
const PURCHASING = '13900000003';
let purchasing: WecomSandbox;
let ops: WecomSandbox;
let ding: DingtalkSandbox;
let hook: Server;
const hookCalls: { key: string | undefined; body: Json }[] = [];
let hub: Hub & { prefix: string; taskQueue: string };
// The DingTalk robot and the rate test's router share this clock, so a minute passes at once.
let shiftMs = 0;
const clock = () => new Date(Date.now() + shiftMs);

beforeAll(async () => {
  purchasing = await wecomSandbox.start();
  ops = await wecomSandbox.start();
  ding = await dingtalkSandbox.start({ clock });
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hookCalls.push({ key: typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined, body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const addr = hook.address();
  const env: Record<string, string> = { HOOK_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook` };
  hub = await startTestHub({
    env,
    config: {
      shutdown: { drainMs: 0 },
      lifecycle: { enabled: true, warehouse: WH, onLockFailure: 'hold' },
      connectors: [
        { id: 'wecom-purchasing', adapter: 'wecom', config: secretsToEnv('wecom-purchasing', 'wecom', purchasing.connectorConfig(), env) },
        { id: 'wecom-ops', adapter: 'wecom', config: secretsToEnv('wecom-ops', 'wecom', ops.connectorConfig(), env) },
        { id: 'dingtalk-ops', adapter: 'dingtalk', config: secretsToEnv('dingtalk-ops', 'dingtalk', ding.connectorConfig(), env) },
      ],
      notifications: {
        routes: [
          { event: 'hold_created', level: 3, connector: 'wecom-purchasing', mentionMobiles: [PURCHASING] },
          { event: 'hold_created', connector: 'wecom-ops' },
          { event: 'daily_summary', connector: 'wecom-ops' },
          { event: 'poll_range_lost', webhookUrl: '${HOOK_URL}' },
        ],
        dailySummary: { enabled: true, at: '08:30', timezone: 'Asia/Shanghai' },
      },
    },
  });
  const pool = new InventoryPool(hub.redis, hub.prefix);
  await pool.setOnHand(WH, 'NT-A', 0);
  await pool.setOnHand(WH, 'NT-B', 50);
  await pool.setOnHand(WH, 'NT-C', 50);
});
afterAll(async () => {
  await hub?.stop();
  await Promise.all([purchasing, ops, ding].map((s) => s?.close()));
  await new Promise((r) => hook?.close(r));
});

const { waitFor } = orderApi(() => hub);
const until = async (ok: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

async function placeOrder(skus: [string, string]): Promise<string> {
  const id = newOrderId();
  const body = sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', `"sku": "${skus[0]}"`).replace('"sku": "IPOD2008BLUE"', `"sku": "${skus[1]}"`).replaceAll('"phone": "555-555-SHIP"', `"phone": "555-${id.slice(-7)}"`));
  const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
  expect(res.status).toBe(200);
  return String((await json(res)).orderKey);
}

describe('notification router', () => {
  const keys: string[] = [];

  it('a level-3 hold sends exactly one WeCom message to purchasing, mentioning the purchasing lead', async () => {
    const key = await placeOrder(['NT-A', 'NT-B']);
    keys.push(key);
    const held = await waitFor(key, 'on_hold');
    expect(held.hold).toMatchObject({ reason: 'insufficient_stock', level: 3 });
    await until(() => purchasing.state().messages.length > 0, 'the purchasing robot');
    // Read again: still one message, and none to the general hold route.
    const again = await json(await hub.app.request(`/api/orders/${key}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));
    const messages = purchasing.state().messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]?.content).toContain('订单拦截（3级）');
    expect(messages[0]?.content).toContain(key);
    expect(messages[0]?.content).not.toContain('555-');
    expect(messages[0]?.mentions.mobiles).toEqual([PURCHASING]);
    expect(ops.state().messages).toHaveLength(0);
    expect(again.timeline.some((t: Json) => String(t.cause) === 'notification-router told: insufficient_stock')).toBe(true);
  });

  it('sends the daily summary once per day with the counts of the day', async () => {
    const key = await placeOrder(['NT-B', 'NT-C']);
    keys.push(key);
    const running = await waitFor(key, 'inventory_locked');
    // The summary reads Temporal's visibility: wait until it shows both orders' states.
    const query = `WorkflowType = 'orderLifecycle' AND TaskQueue = '${hub.taskQueue}'`;
    await until(async () => {
      const seen: string[] = [];
      for await (const wf of hub.client.workflow.list({ query })) seen.push(String(wf.typedSearchAttributes.get(SA_ORDER_STATUS)));
      return seen.sort().join() === ['inventory_locked', 'on_hold'].join();
    }, 'visibility to show both orders');
    expect(running.state).toBe('inventory_locked');

    const schedule = await hub.client.schedule.getHandle(dailySummaryScheduleId(hub.taskQueue)).describe();
    expect(schedule.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 8, end: 8, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
    expect(schedule.spec.timezone).toBe('Asia/Shanghai');

    const before = ops.state().messages.length;
    for (let i = 0; i < 2; i++) await hub.client.workflow.execute('dailySummary', { args: [], taskQueue: hub.taskQueue, workflowId: `test-summary-${randomUUID()}` });
    const sent = ops.state().messages.slice(before);
    expect(sent).toHaveLength(1);
    const text = sent[0]?.content ?? '';
    expect(text).toContain('订单日报');
    expect(text).toContain('shopify: 2');
    expect(text).toContain('shopify inventory_locked: 1');
    expect(text).toContain('shopify on_hold: 1');
    expect(text).toContain('待处理拦截：1');
    expect(text).toContain('物流停滞包裹：0');
    // No channel runs in shadow: the summary says so rather than leaving the line out.
    expect(text).toContain('双轨运行对比（前一日）：（无影子渠道）');
  });

  it('keeps 25 events in a minute to one DingTalk robot within its limit, the overflow merged into one signed message', async () => {
    const config = notificationsSchema({}).parse({ routes: [{ event: 'breaker_open', connector: 'dingtalk-ops' }] });
    const router = new NotificationRouter({ redis: hub.redis, keyPrefix: `${hub.prefix}rate:`, config, registry: hub.registry, logger: createLogger({ level: 'silent' }), now: clock });
    let sent = 0;
    let waiting = 0;
    for (let i = 0; i < 25; i++) {
      const r = await router.notify({ event: 'breaker_open', key: `burst-${i}`, vars: { connector: `erp-${i}`, minutes: 12 } });
      sent += r.sent;
      waiting += r.waiting;
    }
    expect([sent, waiting]).toEqual([20, 5]);
    expect(ding.state().counts).toEqual({ accepted: 20, refused: 0 });
    // Still inside the minute: the flush sends nothing.
    expect(await router.flush()).toEqual({ sent: 0, waiting: 5 });
    // A redelivered event is a duplicate, not a 26th message.
    expect(await router.notify({ event: 'breaker_open', key: 'burst-3', vars: { connector: 'erp-3', minutes: 12 } })).toMatchObject({ accepted: 0, sent: 0, waiting: 0 });

    shiftMs = 61_000;
    expect(await router.flush()).toEqual({ sent: 5, waiting: 0 });
    const state = ding.state();
    expect(state.counts).toEqual({ accepted: 21, refused: 0 });
    const batch = state.messages.at(-1);
    expect(batch?.title).toContain('5 条通知');
    for (const i of [20, 21, 22, 23, 24]) expect(batch?.content).toContain(`erp-${i}`);
  });

  it('never cuts a merged message: what does not fit in one robot message waits for the next slot', async () => {
    const config = notificationsSchema({}).parse({ routes: [{ event: 'breaker_open', connector: 'dingtalk-ops' }] });
    const router = new NotificationRouter({ redis: hub.redis, keyPrefix: `${hub.prefix}long:`, config, registry: hub.registry, logger: createLogger({ level: 'silent' }), now: clock });
    // 20 fill the minute; the other 60 carry ~120-character texts: together far past one message's 4,000 characters.
    const name = (i: number) => `erp-long-${i}-${'x'.repeat(100)}`;
    for (let i = 0; i < 80; i++) await router.notify({ event: 'breaker_open', key: `long-${i}`, vars: { connector: name(i), minutes: 12 } });
    const before = ding.state().messages.length;
    for (let minute = 1; minute <= 10 && (await router.flush()).waiting > 0; minute++) shiftMs += 61_000;
    expect((await router.flush()).waiting).toBe(0);
    const merged = ding.state().messages.slice(before);
    expect(merged.length).toBeGreaterThan(1);
    for (const m of merged) expect(m.content).not.toContain('…');
    const all = ding.state().messages.map((m) => m.content).join('\n');
    for (let i = 0; i < 80; i++) expect(all).toContain(name(i));
  });

  it('a merged message names every order it carries, unmasked, so each can be found', async () => {
    const config = notificationsSchema({}).parse({ routes: [{ event: 'hold_created', connector: 'wecom-ops' }], perMinute: 2 });
    const router = new NotificationRouter({ redis: hub.redis, keyPrefix: `${hub.prefix}merged:`, config, registry: hub.registry, logger: createLogger({ level: 'silent' }), now: clock });
    // Pinduoduo-like order numbers: a run of 11 digits inside is masked as a phone in the text.
    const orderKey = (i: number) => `pdd-shop:261206-5550000${String(i).padStart(4, '0')}`;
    for (let i = 0; i < 4; i++) {
      await router.deliverLifecycleAlert({ connector: 'wecom-ops', idempotencyKey: `order:${orderKey(i)}:notify-insufficient_stock-1`, input: { title: `${orderKey(i)}: insufficient_stock`, text: `SKU NT-A: need 1, have 0\norder ${orderKey(i)}`, severity: 'warning', orderKey: orderKey(i) } });
    }
    const before = ops.state().messages.length;
    shiftMs += 61_000;
    expect(await router.flush()).toEqual({ sent: 2, waiting: 0 });
    const merged = ops.state().messages.slice(before);
    expect(merged).toHaveLength(1);
    const lines = (merged[0]?.content ?? '').split('\n').filter((l) => /^(> )?order: /.test(l)).map((l) => l.replace(/^(> )?order: /, ''));
    expect(lines).toEqual([orderKey(2), orderKey(3)]);
  });

  it('a message taken by a process that dies before sending it is sent by the next flush after its lease, not lost', async () => {
    const config = notificationsSchema({ LEASE_HOOK: 'http://127.0.0.1:9/ops' }).parse({ routes: [{ event: 'poll_range_lost', webhookUrl: '${LEASE_HOOK}' }] });
    const base = { redis: hub.redis, keyPrefix: `${hub.prefix}lease:`, config, registry: hub.registry, logger: createLogger({ level: 'silent' }), now: clock };
    // The first process takes the message and never answers: a worker SIGKILLed mid-send.
    let taken = 0;
    const dying = new NotificationRouter({ ...base, fetch: () => { taken++; return new Promise<Response>(() => undefined); } });
    void dying.notify({ event: 'poll_range_lost', key: 'lease-1', vars: { channel: 'tb-main', lostFrom: 'a', lostTo: 'b', hours: 3 } });
    await until(() => taken === 1, 'the dying process to take the message');
    const bodies: string[] = [];
    const alive = new NotificationRouter({ ...base, fetch: async (_url, init) => { bodies.push(String(init?.body)); return new Response(null, { status: 204 }); } });
    // Within the lease the message is still the first process's: not sent twice.
    expect(await alive.flush()).toEqual({ sent: 0, waiting: 0 });
    expect(bodies).toHaveLength(0);
    shiftMs += 3 * 60_000;
    expect(await alive.flush()).toMatchObject({ sent: 1 });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain('tb-main');
    expect(await alive.flush()).toEqual({ sent: 0, waiting: 0 });
    expect(bodies).toHaveLength(1);
  });

  it('tells a breaker open past the configured minutes once, and once more when it closes', async () => {
    const config = notificationsSchema({}).parse({ breakerOpenMinutes: 10, routes: [{ event: 'breaker_open', connector: 'wecom-ops' }, { event: 'breaker_closed', connector: 'wecom-ops' }] });
    const prefix = `${hub.prefix}brk:`;
    const logger = createLogger({ level: 'silent' });
    const router = new NotificationRouter({ redis: hub.redis, keyPrefix: prefix, config, registry: hub.registry, logger });
    // The circuits as the hub's Breakers would list them; the watch reads nothing else.
    let open: { connector: string; capability: string; openedAt: number }[] = [{ connector: 'kingdee', capability: 'sales-order.push', openedAt: Date.now() - 3 * 60_000 }];
    const acts = createNotifyActivities({
      router, config, redis: hub.redis, keyPrefix: prefix, logger, temporal: hub.client, taskQueue: hub.taskQueue, channels: [],
      decisions: new DecisionQueue(hub.redis, prefix), parcels: new ParcelStore(hub.redis, prefix), breakers: { notClosed: () => open },
    });
    const before = ops.state().messages.length;
    await acts.flushNotifications();
    expect(ops.state().messages.length - before).toBe(0); // open 3 minutes: not yet
    open = [{ connector: 'kingdee', capability: 'sales-order.push', openedAt: Date.now() - 12 * 60_000 }];
    await acts.flushNotifications();
    await acts.flushNotifications();
    const opened = ops.state().messages.slice(before);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.content).toContain('熔断器已打开 12 分钟');
    open = [];
    await acts.flushNotifications();
    await acts.flushNotifications();
    const all = ops.state().messages.slice(before);
    expect(all).toHaveLength(2);
    expect(all[1]?.content).toContain('已恢复');
  });

  it('posts a poll-range-lost event to a generic webhook once, with its key', async () => {
    const vars = { channel: 'tb-1', lostFrom: '2026-12-01T00:00:00.000Z', lostTo: '2026-12-01T06:00:00.000Z', hours: 6 };
    await hub.notifications.notify({ event: 'poll_range_lost', key: 'poll-lost:tb-1:2026-12-01T00:00:00.000Z', vars });
    await hub.notifications.notify({ event: 'poll_range_lost', key: 'poll-lost:tb-1:2026-12-01T00:00:00.000Z', vars });
    expect(hookCalls).toHaveLength(1);
    expect(hookCalls[0]?.key).toBe('poll-lost:tb-1:2026-12-01T00:00:00.000Z');
    expect(hookCalls[0]?.body).toMatchObject({ title: '订单拉取缺口：tb-1', severity: 'critical', events: [{ event: 'poll_range_lost', vars: { hours: 6 } }] });
  });

  it('refuses a route with an unknown template placeholder, naming the field', () => {
    const r = notificationsSchema({}).safeParse({ routes: [{ event: 'tracking_stalled', connector: 'x', template: '{waybillNo} {buyerPhone}' }] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('{buyerPhone}');
    expect(r.error?.issues[0]?.path).toEqual(['routes', 0, 'template']);
  });
});
