import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import { SANDBOX_FAULT } from '../src/sandbox/core.js';
import { recordHistory } from './support/histories.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * The seeds' worst day, replayed: the WMS/ERP gateway answers 504 while 200 orders arrive through
 * webhooks. Nothing is lost, nothing is pushed twice, nothing is left stuck: the breaker opens and
 * fails fast, stock checks run on the cached figures, and once the receiver is back every order
 * goes through within about one reset period.
 */
const WH = 'WH-504';
const ORDERS = 200;
const RESET_MS = 1_500;
const VOLUME = 6;
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const SKU_A = 'OUT504-A';
const SKU_B = 'OUT504-B';

let wdt: WdtSandbox;
const wdtTrade = (tid: string | undefined) => wdt.state().trades.list.find((t) => t.tid === tid);
let hub: Hub & { prefix: string; taskQueue: string };

beforeAll(async () => {
  wdt = await wdtSandbox.start({ sid: 'zs', appkey: 'zs-key', appsecret: 'wdt-secret', edition: 'enterprise', shopNo: 'ZS-SHOP', warehouseNo: WH });
  hub = await startTestHub({
    env: { WDT_SECRET: 'wdt-secret' },
    config: {
      lifecycle: {
        enabled: true,
        warehouse: WH,
        wms: 'wdt',
        mappings: { wms: 'wangdiantong/trade-push.v1' },
        retry: { maximumAttempts: 2, initialIntervalMs: 200, backoffCoefficient: 1.5 },
      },
      // 200 orders from one sample buyer: the risk counter would hold them, which is not the point here.
      rules: { interception: { risk: false } },
      connectors: [{ id: 'wdt', adapter: 'wangdiantong', config: { edition: 'enterprise', baseUrl: String(wdt.connectorConfig('enterprise')['baseUrl']), sid: 'zs', appkey: 'zs-key', appsecret: '${WDT_SECRET}', shopNo: 'ZS-SHOP', timeoutMs: 5_000 } }],
      resilience: {
        breakers: { defaults: { volumeThreshold: VOLUME, errorThresholdPercentage: 50, resetTimeout: RESET_MS, timeout: 5_000, rollingCountTimeout: 10_000 } },
        lastKnownGood: { maxAgeMs: 10 * 60_000 },
        outageRetryMs: RESET_MS,
        // The WMS is what goes down here, not Temporal: the longest start deadline allowed, so 200
        // webhooks on a loaded machine are stored late rather than refused.
        temporalStartDeadlineMs: 4_500,
      },
    },
  });
});
afterAll(async () => {
  await hub?.stop();
  await wdt?.close();
});

function order(id: string): string {
  return sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', `"sku": "${SKU_A}"`).replace('"sku": "IPOD2008BLUE"', `"sku": "${SKU_B}"`));
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const all = await hub.metrics.registry.getMetricsAsJSON();
  const m = all.find((x) => x.name === name);
  return (m?.values ?? []).filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((n, v) => n + v.value, 0);
}

/** Visibility count of this test's order workflows matching an extra clause. */
async function count(clause: string): Promise<number> {
  const r = await hub.client.workflow.count(`TaskQueue = '${hub.taskQueue}' AND WorkflowType = 'orderLifecycle'${clause ? ` AND ${clause}` : ''}`);
  return r.count;
}

async function eventually<T>(what: string, ms: number, probe: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function syncStock(): Promise<Json> {
  return hub.client.workflow.execute('stockSync', { taskQueue: hub.taskQueue, workflowId: `stock-sync-${newOrderId()}`, args: [{ warehouse: WH, wms: 'wdt', platforms: [], skus: [SKU_A, SKU_B] }] });
}

describe('the 504 incident', () => {
  it('rides through a WMS outage: breaker opens, cached stock, 200 orders complete with 200 trades, none stuck', async () => {
    const pool = new InventoryPool(hub.redis, hub.prefix);
    // Stock comes from the WMS: a live sync fills the pool and the last-known-good entry.
    wdt.setStock(SKU_A, 5_000, WH);
    wdt.setStock(SKU_B, 5_000, WH);
    expect(await syncStock()).toMatchObject({ wms: 'live' });
    expect(await pool.get(WH, SKU_A)).toMatchObject({ onHand: 5_000 });

    wdt.server.setFaults({ mode: SANDBOX_FAULT.GATEWAY_TIMEOUT, remaining: null });
    // The stock sync during the outage applies the cached answer with its own time, flagged stale.
    expect(await syncStock()).toMatchObject({ wms: 'stale' });
    expect(await metric('zhongshu_lkg_fallbacks_total', { connector: 'wdt', capability: 'stock.query', outcome: 'served' })).toBeGreaterThanOrEqual(1);

    const ids = Array.from({ length: ORDERS }, () => newOrderId());
    const refused: string[] = [];
    for (let i = 0; i < ids.length; i += 10) {
      const batch = await Promise.all(ids.slice(i, i + 10).map((id) => hub.app.request('/webhooks/shopify', shopifyRequest(order(id), { webhookId: `w504-${id}` }))));
      for (const r of batch) if (r.status !== 200) refused.push(`${r.status} ${JSON.stringify((await json(r))?.error)}`);
    }
    expect(refused).toEqual([]);

    // The circuit opens, and from then on orders fail fast instead of each hammering the gateway.
    await eventually('the breaker to open', 60_000, async () => ((await metric('zhongshu_breaker_opens_total', { connector: 'wdt', capability: 'wms.order.push' })) >= 1 ? true : null));
    await eventually('orders to wait out the outage', 60_000, async () => ((await count(`HoldReason = 'downstream_unavailable'`)) >= ORDERS / 2 ? true : null));
    const shortCircuited = await metric('zhongshu_breaker_calls_total', { connector: 'wdt', capability: 'wms.order.push', outcome: 'short_circuited' });
    expect(shortCircuited).toBeGreaterThan(0);
    const pushedWhileDown = wdt.server.arrivals.filter((r) => r.path.endsWith('/trade_push.php') && r.answer === 'HTTP 504').length;
    // Far fewer gateway hits than orders: only the calls before the circuit opened and the half-open trials.
    expect(pushedWhileDown).toBeLessThan(ORDERS);

    // An order's timeline says its availability check ran on cached stock, and that it is waiting.
    const sample = await json(await hub.app.request(`/api/orders/shopify-test:${ids[0]}`, { headers: admin }));
    const causes: string[] = sample.timeline.map((t: Json) => t.cause);
    expect(causes.some((c) => c.startsWith('availability checked against cached stock (WMS unreachable)'))).toBe(true);
    expect(causes.some((c) => c.includes('wdt unavailable') && c.includes('retrying every'))).toBe(true);

    wdt.server.setFaults({ mode: SANDBOX_FAULT.NONE });
    const recoveredAt = Date.now();
    await eventually('every order to reach the WMS', 90_000, async () => ((await count(`OrderStatus = 'pushed_to_wms'`)) === ORDERS ? true : null));
    const drainMs = Date.now() - recoveredAt;

    // Exactly one trade per order at the receiver, each pushed once (idempotency key = workflow id + step).
    const trades = ids.map((id) => wdtTrade(id));
    expect(trades.filter((t) => !t)).toEqual([]);
    expect(trades.filter((t) => t && t.pushes !== 1).map((t) => t?.tid)).toEqual([]);
    expect(wdt.state().trades.list).toHaveLength(ORDERS);
    // None stuck, none failed, none still flagged as waiting.
    expect(await count(`ExecutionStatus = 'Failed'`)).toBe(0);
    expect(await count(`HoldReason = 'downstream_unavailable'`)).toBe(0);
    // Every trade is at the WMS, which now counts its units: handed over, no longer locked by the hub.
    expect(await pool.get(WH, SKU_A)).toMatchObject({ locked: 0, onHand: 5_000 - ORDERS, available: 5_000 - ORDERS });
    const after = await json(await hub.app.request(`/api/orders/shopify-test:${ids[0]}`, { headers: admin }));
    expect(after.timeline.map((t: Json) => t.cause)).toContain('wdt reachable again: WMS push done');
    await recordHistory(`order:shopify-test:${ids[0]}`, 'wms-outage-waited');
    // The wait costs the history one activity, not one per try: after its own retries the push was
    // scheduled once more and the server retried that until the WMS answered.
    const events = (await hub.client.workflow.getHandle(`order:shopify-test:${ids[0]}`).fetchHistory()).events ?? [];
    const isWmsPush = (e: (typeof events)[number]) => (e.activityTaskScheduledEventAttributes?.input?.payloads ?? []).some((p) => Buffer.from(p.data ?? []).toString('utf8').includes('"wms.order.push"'));
    const pushes = events.filter(isWmsPush);
    expect(pushes).toHaveLength(2);
    const lastPush = pushes.at(-1)?.eventId;
    const started = events.find((e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === lastPush?.toString());
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBeGreaterThan(1);
    const timerMs = (e: (typeof events)[number]) => {
      const d = e.timerStartedEventAttributes?.startToFireTimeout;
      return d ? Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6) : null;
    };
    expect(events.filter((e) => timerMs(e) === RESET_MS).length, 'no workflow-side outage sleeps').toBe(0);
    // Logged for the report, not asserted (tests never assert timings).
    console.info(`504 incident: ${pushedWhileDown} gateway hits while down, ${shortCircuited} short-circuited calls, all ${ORDERS} pushed ${drainMs} ms after recovery`);
  });

  // A cancel while the WMS answers 504: the intercept waits for it (PATCH intercept-undo-waits-out-
  // outages) instead of giving up after its retries and leaving the trade live for a person.
  it('a cancel during a WMS outage intercepts the trade once the WMS is back; nothing goes to a person', async () => {
    const pool = new InventoryPool(hub.redis, hub.prefix);
    for (const sku of [SKU_A, SKU_B]) {
      wdt.setStock(sku, 5_000, WH);
      await pool.setOnHand(WH, sku, 5_000);
    }
    const id = newOrderId();
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(order(id), { webhookId: `w504-cancel-${id}` }));
    expect(res.status).toBe(200);
    const key = String((await json(res)).orderKey);
    for (let i = 0; i < 200 && wdtTrade(id)?.state === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    expect(wdtTrade(id)).toBeDefined();
    wdt.server.setFaults({ mode: SANDBOX_FAULT.GATEWAY_TIMEOUT, remaining: null });
    const cancelling = hub.app.request(`/api/orders/${key}/cancel`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ cause: 'buyer asked', confirm: true }) });
    // Longer than the intercept's own retries (2 attempts, 200 ms apart) and a breaker period.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(wdtTrade(id)?.state).not.toBe('intercepted');
    wdt.server.setFaults({ mode: SANDBOX_FAULT.NONE, remaining: null });
    await cancelling;
    let state: Json = {};
    for (let i = 0; i < 200; i++) {
      state = await json(await hub.app.request(`/api/orders/${key}`, { headers: admin }));
      if (state.state === 'cancelled') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state.state).toBe('cancelled');
    expect(wdtTrade(id)?.state).toBe('intercepted');
    const causes = ((state.timeline ?? []) as Json[]).map((t) => String(t.cause));
    expect(causes.filter((c) => c.startsWith('compensation failed'))).toEqual([]);
    expect(causes).toContain('compensated: intercept at wdt');
    expect(state.hold ?? null).toBeNull();
    await recordHistory(`order:shopify-test:${id}`, 'wms-intercept-undo-waited-out-outage');
  });
});
