import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as emsSandbox, type EmsSandbox } from '../adapters/ems/sandbox.js';
import { sandbox as kdniaoSandbox, type KdniaoSandbox } from '../adapters/kdniao/sandbox.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import { sandbox as wecomSandbox, type WecomSandbox } from '../adapters/wecom/sandbox.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { secretsToEnv } from '../src/sandbox/world.js';
import { formEncode, kdniaoDataSign } from '../adapters/kdniao/transport.js';
import { gmt8WallClock } from '../src/sandbox/courier-kit.js';
import type { TrackingSweepInput, TrackingSweepResult } from '../workflows/tracking-sweep.js';
import { recordHistory } from './support/histories.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { orderApi } from './support/orders.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * The tracking back-fill robot on the real dev server and Redis, against the EMS, KDNiao,
 * Wangdiantong and WeCom sandboxes: EMS has no route push, so only the robot's KDNiao queries
 * move an EMS parcel's order to picked up and delivered; a parcel without news for the
 * configured time is flagged, listed and told once.
 */
const WH = 'WH-TR';
const OPS_MOBILE = '13800000001';
const PUSH_TOKEN = 'kdn-push-t0ken';
let ems: EmsSandbox;
let kdniao: KdniaoSandbox;
let wdt: WdtSandbox;
let robot: WecomSandbox;
let hub: Hub & { prefix: string; taskQueue: string };
// The KDNiao sandbox's clock runs this far behind when a test wants an old trace.
let kdniaoLagMs = 0;

beforeAll(async () => {
  ems = await emsSandbox.start({ delays: { pickupMs: null, deliveryMs: null } });
  kdniao = await kdniaoSandbox.start({ delays: { pickupMs: null, deliveryMs: null }, clock: () => new Date(Date.now() - kdniaoLagMs) });
  wdt = await wdtSandbox.start();
  robot = await wecomSandbox.start();
  const env: Record<string, string> = { KDN_PUSH_TOKEN: PUSH_TOKEN };
  hub = await startTestHub({
    env,
    config: {
      shutdown: { drainMs: 0 },
      lifecycle: {
        enabled: true,
        warehouse: WH,
        courier: 'ems',
        wms: 'wdt',
        mappings: { waybill: 'sf-express/waybill.v1', wms: 'wangdiantong/trade-push.v1' },
        retry: { maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 1.5 },
      },
      connectors: [
        { id: 'ems', adapter: 'ems', config: secretsToEnv('ems', 'ems', ems.connectorConfig(), env) },
        { id: 'kdniao', adapter: 'kdniao', config: secretsToEnv('kdniao', 'kdniao', kdniao.connectorConfig(), env) },
        { id: 'wdt', adapter: 'wangdiantong', config: secretsToEnv('wdt', 'wangdiantong', wdt.connectorConfig('enterprise'), env) },
        { id: 'wecom-ops', adapter: 'wecom', config: secretsToEnv('wecom-ops', 'wecom', robot.connectorConfig(), env) },
      ],
      // The schedule's own runs are far apart: the test runs the sweep workflow itself.
      tracking: { enabled: true, kdniao: 'kdniao', everyMinutes: 600, requestsPerSecond: 50, pushToken: '${KDN_PUSH_TOKEN}' },
      notifications: { routes: [{ event: 'tracking_stalled', connector: 'wecom-ops', mentionMobiles: [OPS_MOBILE] }] },
    },
  });
  const pool = new InventoryPool(hub.redis, hub.prefix);
  for (const sku of ['TR-A', 'TR-B']) await pool.setOnHand(WH, sku, 100);
});
afterAll(async () => {
  await hub?.stop();
  await Promise.all([ems, kdniao, wdt, robot].map((s) => s?.close()));
});

const { stateOf, waitFor } = orderApi(() => hub);
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

async function placeOrder(): Promise<string> {
  const id = newOrderId();
  const body = sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "TR-A"').replace('"sku": "IPOD2008BLUE"', '"sku": "TR-B"').replaceAll('"phone": "555-555-SHIP"', `"phone": "555-${id.slice(-7)}"`));
  const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
  expect(res.status).toBe(200);
  return String((await json(res)).orderKey);
}

function sweep(): Promise<TrackingSweepResult> {
  const input: TrackingSweepInput = { batchSize: 10, maxPerRun: 100, backfill: false };
  return hub.client.workflow.execute('trackingSweep', { args: [input], taskQueue: hub.taskQueue, workflowId: `test-sweep-${randomUUID()}` });
}

const causes = (s: Json): string[] => (s?.timeline ?? []).map((t: Json) => String(t.cause));

describe('tracking back-fill robot', () => {
  it('moves an EMS order to picked up and delivered through KDNiao, with the traces on its timeline', async () => {
    const key = await placeOrder();
    const pushed = await waitFor(key, 'pushed_to_wms');
    const waybillNo = String(pushed.waybillNo);
    expect(waybillNo).toMatch(/./);
    // Registered when the EMS waybill was issued: the robot follows it.
    expect(await hub.redis.zscore(`${hub.prefix}track:due`, waybillNo)).not.toBeNull();

    kdniao.track('EMS', waybillNo);
    expect((await sweep()).pickedUp).toBe(0); // no trace yet: nothing moves
    expect((await stateOf(key)).state).toBe('pushed_to_wms');

    await kdniao.pickUp(waybillNo);
    await hub.redis.zadd(`${hub.prefix}track:due`, 0, waybillNo); // due again now, not in ten hours
    expect((await sweep()).pickedUp).toBe(1);
    const moving = await waitFor(key, 'in_transit');
    expect(causes(moving).some((c) => c.includes('快件已揽收'))).toBe(true);
    expect(causes(moving).some((c) => c.startsWith('picked up (kdniao EMS'))).toBe(true);

    await kdniao.deliver(waybillNo);
    await hub.redis.zadd(`${hub.prefix}track:due`, 0, waybillNo);
    expect((await sweep()).delivered).toBe(1);
    const done = await waitFor(key, 'completed');
    expect(done.timeline.map((t: Json) => t.state)).toContain('delivered');
    expect(causes(done).some((c) => c.includes('已签收'))).toBe(true);
    // Delivered parcels are no longer queried.
    expect(await hub.redis.zscore(`${hub.prefix}track:due`, waybillNo)).toBeNull();
    await recordHistory(`order:${key}`, 'tracking-robot-ems-delivered');
  });

  it('flags a parcel without news for the configured time as stalled, lists it and tells the robot once', async () => {
    const key = await placeOrder();
    const waybillNo = String((await waitFor(key, 'pushed_to_wms')).waybillNo);
    kdniao.track('EMS', waybillNo);
    // The courier's last scan is three days old (stalledHours defaults to 48).
    kdniaoLagMs = 72 * 3_600_000;
    await kdniao.pickUp(waybillNo);
    kdniaoLagMs = 0;
    await hub.redis.zadd(`${hub.prefix}track:due`, 0, waybillNo);
    const before = robot.state().messages.length;
    const r = await sweep();
    expect(r).toMatchObject({ pickedUp: 1, stalled: 1 });
    const s = await waitFor(key, 'in_transit');
    expect(s.trackingStalled).toBe('no_change');
    expect(causes(s).some((c) => c.startsWith('tracking stalled (no_change)'))).toBe(true);

    const list = await json(await hub.app.request('/api/tracking/stalled', { headers: admin }));
    expect(list.items).toEqual(expect.arrayContaining([expect.objectContaining({ waybillNo, orderKey: key, reason: 'no_change', shipperCode: 'EMS' })]));

    const told = robot.state().messages.slice(before);
    expect(told).toHaveLength(1);
    expect(told[0]?.content).toContain(waybillNo);
    expect(told[0]?.content).toContain('小时无物流更新');
    expect(told[0]?.mentions.mobiles).toEqual([OPS_MOBILE]);

    // The next run sees the same silence: nothing new is said.
    await hub.redis.zadd(`${hub.prefix}track:due`, 0, waybillNo);
    expect((await sweep()).stalled).toBe(0);
    expect(robot.state().messages.slice(before)).toHaveLength(1);
    await recordHistory(`order:${key}`, 'tracking-robot-stalled');
  });

  it('a KDNiao problem parcel (State 4) is flagged and told once; delivery clears it from the list', async () => {
    const key = await placeOrder();
    const waybillNo = String((await waitFor(key, 'pushed_to_wms')).waybillNo);
    kdniao.track('EMS', waybillNo);
    await kdniao.pickUp(waybillNo);
    kdniao.problem(waybillNo, 405, '派件异常，联系不上收件人');
    await hub.redis.zadd(`${hub.prefix}track:due`, 0, waybillNo);
    const before = robot.state().messages.length;
    expect(await sweep()).toMatchObject({ pickedUp: 1, stalled: 1 });
    const s = await waitFor(key, 'in_transit');
    expect(s.trackingStalled).toBe('carrier_problem');
    const told = robot.state().messages.slice(before);
    expect(told).toHaveLength(1);
    expect(told[0]?.content).toContain('问题件');
    expect(told[0]?.content).toContain('派件异常');
    const listed = await json(await hub.app.request('/api/tracking/stalled', { headers: admin }));
    expect(listed.items).toEqual(expect.arrayContaining([expect.objectContaining({ waybillNo, reason: 'carrier_problem', carrierState: '4' })]));

    await hub.redis.zadd(`${hub.prefix}track:due`, 0, waybillNo);
    expect((await sweep()).stalled).toBe(0); // still a problem: nothing new to say
    expect(robot.state().messages.slice(before)).toHaveLength(1);

    await kdniao.deliver(waybillNo);
    await hub.redis.zadd(`${hub.prefix}track:due`, 0, waybillNo);
    expect((await sweep()).delivered).toBe(1);
    const done = await waitFor(key, 'completed');
    expect(done.trackingStalled).toBeUndefined();
    const after = await json(await hub.app.request('/api/tracking/stalled', { headers: admin }));
    expect(after.items.map((i: Json) => i.waybillNo)).not.toContain(waybillNo);
  });

  it("takes KDNiao's signed track push: the parcel moves without a query, a repeat changes nothing, a bad sign is refused", async () => {
    const key = await placeOrder();
    const waybillNo = String((await waitFor(key, 'pushed_to_wms')).waybillNo);
    const appKey = String(kdniao.connectorConfig()['appKey']);
    const push = (data: unknown[], sign?: string) => {
      const rd = JSON.stringify({ EBusinessID: kdniao.connectorConfig()['eBusinessId'], PushTime: ago(0), Count: data.length, Data: data });
      const body = `RequestData=${formEncode(rd)}&EBusinessID=1000001&RequestType=101&DataSign=${sign ?? kdniaoDataSign(rd, appKey)}&DataType=2`;
      return hub.app.request(`/webhooks/kdniao/push/${PUSH_TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    };
    // Courier wall-clock times of the last hour, so the parcel is not mistaken for a silent one.
    const ago = (min: number) => gmt8WallClock(new Date(Date.now() - min * 60_000));
    const picked = { ShipperCode: 'EMS', LogisticCode: waybillNo, Success: true, State: '2', Traces: [{ AcceptTime: ago(60), AcceptStation: '【杭州】邮政已揽收' }, { AcceptTime: ago(20), AcceptStation: '【杭州】离开处理中心' }] };
    const queriesBefore = kdniao.state().queries;
    const res = await push([picked, { ShipperCode: 'EMS', LogisticCode: 'NOT-OURS-1', Success: true, State: '2', Traces: [] }]);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ Success: true });
    const moving = await waitFor(key, 'in_transit');
    expect(causes(moving).filter((c) => c.includes('离开处理中心'))).toHaveLength(1);
    expect((await push([picked])).status).toBe(200);
    const delivered = { ...picked, State: '3', Traces: [...picked.Traces, { AcceptTime: ago(1), AcceptStation: '已签收' }] };
    expect((await push([delivered])).status).toBe(200);
    const done = await waitFor(key, 'completed');
    expect(causes(done).filter((c) => c.includes('离开处理中心'))).toHaveLength(1);
    expect(kdniao.state().queries).toBe(queriesBefore);

    const forged = await push([delivered], 'bm90LXRoZS1zaWdu');
    expect(forged.status).toBe(401);
    expect(JSON.stringify(await json(forged))).toContain('DataSign');
    expect((await hub.app.request('/webhooks/kdniao/push/wrong-token', { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('refuses a bad limit on the stalled list with the field named', async () => {
    const res = await hub.app.request('/api/tracking/stalled?limit=0', { headers: admin });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await json(res))).toContain('limit');
  });
});
