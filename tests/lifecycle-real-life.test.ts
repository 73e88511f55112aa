import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Activities } from '../src/activities/index.js';
import type { CanonicalOrder } from '../src/canonical/order.js';
import { LockReply } from '../src/inventory/schema.js';
import { createLogger } from '../src/logger.js';
import { installTemporalLogger } from '../src/temporal/runtime-logger.js';
import { recordHistory } from './support/histories.js';
import { changeAddress, decide, getOrderState, platformSnapshot, trackingEvent, type LifecycleSettings, type OrderLifecycleInput, type OrderState, type PlatformSnapshot } from '../workflows/order-lifecycle.js';

/**
 * A shop's ordinary exceptions, on the real dev server with stub activities that record every
 * call: orders first seen on hold or already shipped, late payments, refunds before and after the
 * WMS push, stale platform copies, and the shipment confirmation to the platform (发货回传).
 */
interface Call {
  name: string;
  key?: string;
  capability?: string;
  input?: unknown;
}

let client: Client;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `real-life-${randomUUID().slice(0, 8)}`;
const calls = new Map<string, Call[]>();
/** Per order: how the stub platform answers the shipment confirmation. */
const confirmAnswers = new Map<string, 'ok' | 'refused'>();
const stock = new Map<string, number>();
/** `<workflow id> <capability>`: refused once (a business refusal, not an outage). */
const refuseOnce = new Set<string>();
/** `<workflow id> <capability>` -> how many more calls meet an outage (a retryable 504). */
const outages = new Map<string, number>();

const wfOf = (key: string): string => /^(order:[^:]+:[^:]+)/.exec(key)?.[1] ?? key;
function record(workflowKey: string, c: Call): void {
  const wf = wfOf(workflowKey);
  calls.set(wf, [...(calls.get(wf) ?? []), c]);
}

const holds = new Map<string, { lines: { sku: string; qty: number }[]; state: 'locked' | 'handed' | 'released' | 'committed' }>();
const stubs: Pick<Activities, 'recordOrder' | 'lockInventory' | 'confirmInventoryPaid' | 'releaseInventory' | 'commitInventory' | 'handOverInventory' | 'requestDecision' | 'clearDecision' | 'invokeAdapter' | 'notifyPickup' | 'auditAddressChange' | 'confirmShipment'> = {
  async recordOrder(i) {
    record(i.idempotencyKey, { name: 'recordOrder' });
    return { firstWrite: true };
  },
  async lockInventory(i) {
    record(i.holdKey, { name: 'lockInventory', key: i.holdKey, input: i.lines });
    const prior = holds.get(i.holdKey);
    if (prior && prior.state !== 'locked') return { ...LockReply.parse({ ok: false, reason: 'closed', state: prior.state }), depleted: [] };
    const short = i.lines.filter((l) => (stock.get(l.sku) ?? 0) < l.qty);
    if (short.length) return { ...LockReply.parse({ ok: false, reason: 'insufficient', shortages: short.map((l) => ({ sku: l.sku, requested: l.qty, available: stock.get(l.sku) ?? 0 })) }), depleted: [] };
    for (const l of i.lines) stock.set(l.sku, (stock.get(l.sku) ?? 0) - l.qty);
    holds.set(i.holdKey, { lines: i.lines, state: 'locked' });
    return { ...LockReply.parse({ ok: true, locked: i.lines }), depleted: [] };
  },
  async confirmInventoryPaid(i) {
    record(i.holdKey, { name: 'confirmInventoryPaid', key: i.holdKey });
    return { confirmed: holds.get(i.holdKey)?.state === 'locked' };
  },
  async releaseInventory(i) {
    record(i.holdKey, { name: 'releaseInventory', key: i.holdKey });
    const h = holds.get(i.holdKey);
    if (h?.state === 'locked') for (const l of h.lines) stock.set(l.sku, (stock.get(l.sku) ?? 0) + l.qty);
    if (h) h.state = 'released';
  },
  async commitInventory(i) {
    record(i.holdKey, { name: 'commitInventory', key: i.holdKey });
    const h = holds.get(i.holdKey);
    if (h) h.state = 'committed';
  },
  async handOverInventory(i) {
    record(i.holdKey, { name: 'handOverInventory', key: i.holdKey });
    const h = holds.get(i.holdKey);
    if (h?.state === 'locked') h.state = 'handed';
  },
  async requestDecision(i) {
    record(i.workflowId, { name: 'requestDecision', input: i.reason });
  },
  async clearDecision(i) {
    record(`order:${i.orderKey}`, { name: 'clearDecision' });
  },
  async invokeAdapter(req) {
    record(req.idempotencyKey, { name: 'invokeAdapter', capability: req.capability, key: req.idempotencyKey, input: req.input });
    const refusal = `${wfOf(req.idempotencyKey)} ${req.capability}`;
    if (refuseOnce.delete(refusal)) throw ApplicationFailure.nonRetryable(`wdt: code 1001 goods_no ZZ not found`, 'AdapterRejected');
    const down = outages.get(refusal) ?? 0;
    if (down > 0) {
      outages.set(refusal, down - 1);
      throw ApplicationFailure.retryable('wdt: HTTP 504 gateway timeout', 'AdapterUnavailable');
    }
    if (req.capability === 'waybill.create') return { waybillNo: `SF${req.idempotencyKey.split('-').pop()}${wfOf(req.idempotencyKey).slice(-6)}`, orderId: req.idempotencyKey };
    return { ok: true };
  },
  async notifyPickup(i) {
    record(i.idempotencyKey, { name: 'notifyPickup' });
    return { sent: false };
  },
  async auditAddressChange(i) {
    record(`order:${i.orderKey}`, { name: 'auditAddressChange', input: i.outcome });
  },
  async confirmShipment(req) {
    record(req.idempotencyKey, { name: 'confirmShipment', key: req.idempotencyKey, input: req.waybillNo });
    if (confirmAnswers.get(wfOf(req.idempotencyKey)) === 'refused') throw ApplicationFailure.nonRetryable('taobao: isv.logistics-offline-service-error: order refunded', 'AdapterRejected');
    return { confirmed: true, carrierCode: 'SF' };
  },
};

beforeAll(async () => {
  // Refusals and outages are scripted here: the SDK's activity-failure warnings are expected noise.
  installTemporalLogger(createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'error', name: 'temporal-sdk' }));
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  worker = await Worker.create({ connection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities: stubs });
  running = worker.run();
  client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await client?.connection.close();
});

function settings(over: Partial<LifecycleSettings> = {}): LifecycleSettings {
  return {
    warehouse: 'WH1',
    courier: 'sf',
    remoteCourier: null,
    wms: 'wdt',
    mappings: { waybill: null, wms: null },
    addressWindowMinutes: 120,
    sender: { name: 'S', phone: '1', province: 'P', city: 'C', district: 'D', address: 'A' },
    unpaidLockMinutes: 30,
    onLockFailure: 'hold',
    lockRetrySeconds: 60,
    pickupTimeoutHours: 72,
    retry: { maximumAttempts: 2, initialIntervalMs: 50, backoffCoefficient: 1 },
    adapterRetry: {},
    // The rules engine has its own tests; here the carrier is the default courier.
    rules: false,
    outageRetryMs: 200,
    shipmentConfirm: { tb: { connector: 'tb-conn', at: 'waybill' } },
    ...over,
  };
}

const money = (minor: number) => ({ minor, currency: 'CNY' });
function order(id: string, over: Partial<CanonicalOrder> = {}, skus: string[] = ['SKU-A']): CanonicalOrder {
  const now = new Date().toISOString();
  return {
    schemaVersion: 1,
    source: { platform: 'taobao', channel: 'tb', shop: 'shop', platformOrderId: id, receivedAt: now },
    status: 'paid',
    platformStatus: 'WAIT_SELLER_SEND_GOODS',
    orderType: 'normal',
    createdAt: now,
    paidAt: now,
    updatedAt: '2026-12-01T10:00:00+08:00',
    currency: 'CNY',
    totals: { goods: money(1000 * skus.length), freight: money(0), discount: money(0), paid: money(1000 * skus.length) },
    lines: skus.map((sku, i) => ({ lineId: `${id}-${i + 1}`, merchantSku: sku, title: sku, quantity: 1, unitPrice: money(1000), lineTotal: money(1000), discount: money(0), paid: money(1000), refundStatus: 'none' as const })),
    recipient: { name: { masked: '李*' }, phone: { masked: '138****0000' } },
    address: { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', detail: { masked: '文三路1**号' } },
    ...over,
  };
}

let seq = 0;
async function start(o: CanonicalOrder, s: LifecycleSettings = settings()) {
  const orderKey = `tb:${o.source.platformOrderId}`;
  const workflowId = `order:${orderKey}`;
  const input: OrderLifecycleInput = { orderKey, order: o, mappings: {}, receivedVia: { kind: 'poll' }, searchAttributes: false, settings: s };
  return client.workflow.start('orderLifecycle', { taskQueue, workflowId, args: [input] });
}
const newId = () => `${Date.now()}${++seq}`;
for (const sku of ['SKU-A', 'SKU-B', 'SKU-C']) stock.set(sku, 1_000);

async function until(h: Awaited<ReturnType<typeof start>>, ok: (s: OrderState) => boolean, ms = 30_000): Promise<OrderState> {
  let last: OrderState | null = null;
  for (const end = Date.now() + ms; Date.now() < end; ) {
    last = await h.query(getOrderState);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stuck in ${last?.state}: ${JSON.stringify(last?.timeline.slice(-4))}`);
}
const named = (wf: string, name: string) => (calls.get(wf) ?? []).filter((c) => c.name === name);
const capability = (wf: string, cap: string) => (calls.get(wf) ?? []).filter((c) => c.capability === cap);
function snapshot(o: CanonicalOrder, over: Partial<PlatformSnapshot>): PlatformSnapshot {
  return { status: o.status, platformStatus: o.platformStatus, updatedAt: o.updatedAt ?? null, receivedAt: new Date().toISOString(), lines: o.lines.map((l) => ({ lineId: l.lineId, refundStatus: l.refundStatus })), address: o.address, ...over };
}
const ship = async (h: Awaited<ReturnType<typeof start>>) => {
  await h.signal(trackingEvent, { event: 'picked_up', at: new Date().toISOString(), source: 'test' });
  await h.signal(trackingEvent, { event: 'delivered', at: new Date().toISOString(), source: 'test' });
  return h.result();
};

describe('shipment confirmation to the platform (发货回传)', () => {
  it('tells the platform the live waybill once, right after the waybill, and completes', async () => {
    const h = await start(order(newId()));
    await until(h, (s) => s.state === 'pushed_to_wms');
    const done = await ship(h);
    expect(done.state).toBe('completed');
    const confirms = named(h.workflowId, 'confirmShipment');
    expect(confirms).toHaveLength(1);
    expect(confirms[0]?.input).toBe(done.waybillNo);
    expect(confirms[0]?.key).toBe(`${h.workflowId}:ship-confirm-1`);
    // Told at print time: before the WMS push.
    const steps = (calls.get(h.workflowId) ?? []).map((c) => (c.name === 'confirmShipment' ? 'confirm' : (c.capability ?? c.name)));
    expect(steps.indexOf('confirm')).toBeLessThan(steps.indexOf('wms.order.push'));
    await recordHistory(h.workflowId, 'real-life-ship-confirmed-completed');
  });

  it('at pickup when the channel says so', async () => {
    const s = settings({ shipmentConfirm: { tb: { connector: 'tb-conn', at: 'pickup' } } });
    const h = await start(order(newId()), s);
    await until(h, (x) => x.state === 'pushed_to_wms');
    expect(named(h.workflowId, 'confirmShipment')).toHaveLength(0);
    await ship(h);
    expect(named(h.workflowId, 'confirmShipment')).toHaveLength(1);
  });

  it('a refusal goes to a person; reject cancels the order and undoes the waybill and the stock', async () => {
    const o = order(newId());
    confirmAnswers.set(`order:tb:${o.source.platformOrderId}`, 'refused');
    const h = await start(o);
    const held = await until(h, (x) => x.state === 'on_hold');
    expect(held.hold?.reason).toBe('ship_confirm_refused');
    expect(held.hold?.message).toMatch(/order refunded/);
    await h.executeUpdate(decide, { args: [{ action: 'reject', actor: 'cs' }] });
    const end = await h.result();
    expect(end.state).toBe('cancelled');
    expect(capability(h.workflowId, 'waybill.cancel')).toHaveLength(1);
    expect(capability(h.workflowId, 'wms.order.push')).toHaveLength(0);
    expect(named(h.workflowId, 'releaseInventory')).toHaveLength(1);
    await recordHistory(h.workflowId, 'real-life-ship-confirm-refused-rejected');
  });
});

describe('refusals from the courier or the WMS', () => {
  it('a refused WMS push goes to a person: approve pushes again under a new key, reject cancels with compensations', async () => {
    const o = order(newId());
    const wf = `order:tb:${o.source.platformOrderId}`;
    refuseOnce.add(`${wf} wms.order.push`);
    const h = await start(o);
    const held = await until(h, (x) => x.state === 'on_hold');
    expect(held.hold).toMatchObject({ reason: 'wms_push_refused' });
    expect(held.hold?.message).toMatch(/goods_no ZZ not found/);
    await h.executeUpdate(decide, { args: [{ action: 'approve', actor: 'warehouse' }] });
    await until(h, (x) => x.state === 'pushed_to_wms');
    expect(capability(wf, 'wms.order.push').map((c) => c.key)).toEqual([`${wf}:wms-1`, `${wf}:wms-2`]);
    await recordHistory(wf, 'real-life-wms-refused-approved');

    const o2 = order(newId());
    const wf2 = `order:tb:${o2.source.platformOrderId}`;
    refuseOnce.add(`${wf2} wms.order.push`);
    const h2 = await start(o2);
    await until(h2, (x) => x.state === 'on_hold');
    await h2.executeUpdate(decide, { args: [{ action: 'reject', actor: 'warehouse' }] });
    const end = await h2.result();
    expect(end.state).toBe('cancelled');
    expect(capability(wf2, 'waybill.cancel')).toHaveLength(1);
    expect(named(wf2, 'releaseInventory')).toHaveLength(1);
  });
});

describe('the WMS refusing a second push', () => {
  it('after an address change goes to a person instead of failing the order; approve pushes once more and the order ships', async () => {
    const o = order(newId());
    const wf = `order:tb:${o.source.platformOrderId}`;
    const h = await start(o);
    await until(h, (x) => x.state === 'pushed_to_wms');
    refuseOnce.add(`${wf} wms.order.push`);
    const change = h.executeUpdate(changeAddress, { args: [{ address: { ...o.address, detail: { masked: '文三路2**号' } }, source: 'customer_service', actor: 'cs-1' }] });
    const held = await until(h, (x) => x.state === 'on_hold');
    expect(held.hold).toMatchObject({ reason: 'wms_push_refused' });
    expect(held.hold?.message).toMatch(/goods_no ZZ not found/);
    await h.executeUpdate(decide, { args: [{ action: 'approve', actor: 'warehouse' }] });
    expect(await change).toMatchObject({ outcome: 'overwritten' });
    await until(h, (x) => x.state === 'pushed_to_wms');
    expect(capability(wf, 'wms.order.push').map((c) => c.key)).toEqual([`${wf}:wms-1`, `${wf}:wms-2`, `${wf}:wms-3`]);
    expect((await ship(h)).state).toBe('completed');
    await recordHistory(wf, 'real-life-wms-repush-refused-approved');
  });

  it('after a partial refund: reject cancels the order with its compensations', async () => {
    const o = order(newId(), {}, ['SKU-A', 'SKU-B']);
    const wf = `order:tb:${o.source.platformOrderId}`;
    const [a, b] = o.lines.map((l) => l.lineId);
    const h = await start(o);
    await until(h, (x) => x.state === 'pushed_to_wms');
    await h.signal(platformSnapshot, snapshot(o, { updatedAt: '2026-12-01T11:00:00+08:00', lines: [{ lineId: a ?? '', refundStatus: 'requested' }, { lineId: b ?? '', refundStatus: 'none' }] }));
    await until(h, (x) => x.state === 'platform_hold');
    refuseOnce.add(`${wf} wms.order.push`);
    await h.signal(platformSnapshot, snapshot(o, { updatedAt: '2026-12-01T12:00:00+08:00', lines: [{ lineId: a ?? '', refundStatus: 'refunded' }, { lineId: b ?? '', refundStatus: 'none' }] }));
    const held = await until(h, (x) => x.state === 'on_hold');
    expect(held.hold).toMatchObject({ reason: 'wms_push_refused' });
    await h.executeUpdate(decide, { args: [{ action: 'reject', actor: 'warehouse' }] });
    const end = await h.result();
    expect(end.state).toBe('cancelled');
    expect(capability(wf, 'waybill.cancel')).toHaveLength(1);
  });
});

describe('ship-by deadline', () => {
  it('an order not yet confirmed near its deadline is flagged and the configured people are told once', async () => {
    const o = order(newId(), { status: 'paid_on_hold', platformStatus: 'PAID_FORBID_CONSIGN' });
    const h = await start(o, settings({ shipByHours: 0.001, notify: { ship_by_near: 'wecom-ops' } }));
    const flagged = await until(h, (x) => x.timeline.some((t) => /ship-by deadline near/.test(t.cause)));
    expect(flagged.state).toBe('platform_hold');
    await until(h, (x) => x.timeline.some((t) => /wecom-ops told: ship_by_near/.test(t.cause)));
    const alerts = capability(h.workflowId, 'alert.send');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.key).toBe(`${h.workflowId}:notify-ship_by_near-1`);
    // Confirmed in time: no warning.
    const h2 = await start(order(newId()), settings({ shipByHours: 0.001, notify: { ship_by_near: 'wecom-ops' } }));
    await until(h2, (x) => x.state === 'pushed_to_wms');
    await new Promise((r) => setTimeout(r, 4_000));
    expect(capability(h2.workflowId, 'alert.send')).toHaveLength(0);
    await h.terminate('test done');
  });
});

describe('orders as the platform has them', () => {
  it('paid_on_hold locks nothing and waits until the platform says paid', async () => {
    const o = order(newId(), { status: 'paid_on_hold', platformStatus: 'PAID_FORBID_CONSIGN' });
    const h = await start(o);
    const waiting = await until(h, (x) => x.state === 'platform_hold');
    expect(waiting.timeline.at(-1)?.cause).toMatch(/PAID_FORBID_CONSIGN/);
    await new Promise((r) => setTimeout(r, 300));
    expect(named(h.workflowId, 'lockInventory')).toHaveLength(0);
    await h.signal(platformSnapshot, snapshot(o, { status: 'paid', platformStatus: 'WAIT_SELLER_SEND_GOODS', updatedAt: '2026-12-01T11:00:00+08:00' }));
    await until(h, (x) => x.state === 'pushed_to_wms');
    expect(named(h.workflowId, 'lockInventory')).toHaveLength(1);
    await recordHistory(h.workflowId, 'real-life-platform-hold-released');
  });

  it.each(['shipped', 'delivered', 'completed'] as const)('first seen %s: recorded as shipped elsewhere, nothing locked, waybilled, pushed or confirmed', async (status) => {
    const h = await start(order(newId(), { status, platformStatus: 'WAIT_BUYER_CONFIRM_GOODS' }));
    const end = await h.result();
    expect(end.state).toBe('completed');
    expect(end.timeline.at(-1)?.cause).toMatch(/shipped outside the hub/);
    expect((calls.get(h.workflowId) ?? []).map((c) => c.name)).toEqual(['recordOrder']);
  });

  it('partly shipped: only the lines not yet shipped go to stock, waybill and WMS', async () => {
    const o = order(newId(), { status: 'partially_shipped', platformStatus: 'SELLER_CONSIGNED_PART' }, ['SKU-A', 'SKU-B']);
    const first = o.lines[0];
    if (first) first.status = 'shipped';
    const h = await start(o);
    const pushed = await until(h, (x) => x.state === 'pushed_to_wms');
    expect(pushed.order.lines.map((l) => l.merchantSku)).toEqual(['SKU-B']);
    expect(named(h.workflowId, 'lockInventory')[0]?.input).toEqual([{ lineId: `${o.source.platformOrderId}-2`, sku: 'SKU-B', qty: 1 }]);
  });
});

describe('unpaid orders', () => {
  it('the countdown releases the stock but the order waits; a late payment locks again and ships', async () => {
    const o = order(newId(), { status: 'awaiting_payment', platformStatus: 'WAIT_BUYER_PAY', paidAt: null });
    const h = await start(o, settings({ unpaidLockMinutes: 0.01 }));
    await until(h, (x) => x.timeline.some((t) => /stock released/.test(t.cause)));
    const st = await h.query(getOrderState);
    expect(st.state).toBe('awaiting_payment');
    expect(named(h.workflowId, 'releaseInventory')).toHaveLength(1);
    await h.signal(platformSnapshot, snapshot(o, { status: 'paid', platformStatus: 'WAIT_SELLER_SEND_GOODS', updatedAt: '2026-12-01T11:00:00+08:00' }));
    const pushed = await until(h, (x) => x.state === 'pushed_to_wms');
    expect(pushed.timeline.map((t) => t.state)).toContain('inventory_locked');
    const locks = named(h.workflowId, 'lockInventory').map((c) => c.key);
    expect(locks).toEqual([`${h.workflowId}:lock-0`, `${h.workflowId}:lock-1`]);
    await recordHistory(h.workflowId, 'real-life-unpaid-released-then-paid');
  });

  it('never paid: closed as unpaid_expired, nobody called', async () => {
    const o = order(newId(), { status: 'awaiting_payment', platformStatus: 'WAIT_BUYER_PAY', paidAt: null });
    const h = await start(o, settings({ unpaidLockMinutes: 0.01, unpaidCloseHours: 0.001 }));
    const end = await h.result();
    expect(end.state).toBe('closed');
    expect(end.timeline.at(-1)?.cause).toMatch(/unpaid_expired/);
    expect(named(h.workflowId, 'invokeAdapter')).toHaveLength(0);
  });
});

describe('refunds after intake', () => {
  it('a refund request before the WMS push holds the order; a refused refund resumes it', async () => {
    const o = order(newId(), { status: 'paid_on_hold', platformStatus: 'PAID_FORBID_CONSIGN' });
    const h = await start(o);
    await until(h, (x) => x.state === 'platform_hold');
    const line = o.lines[0]?.lineId ?? '';
    await h.signal(platformSnapshot, snapshot(o, { status: 'paid', updatedAt: '2026-12-01T11:00:00+08:00', lines: [{ lineId: line, refundStatus: 'requested' }] }));
    const held = await until(h, (x) => x.timeline.some((t) => /refund requested for line/.test(t.cause)));
    expect(held.state).toBe('platform_hold');
    await new Promise((r) => setTimeout(r, 300));
    expect(capability(h.workflowId, 'waybill.create')).toHaveLength(0);
    await h.signal(platformSnapshot, snapshot(o, { status: 'paid', updatedAt: '2026-12-01T12:00:00+08:00', lines: [{ lineId: line, refundStatus: 'refused' }] }));
    await until(h, (x) => x.state === 'pushed_to_wms');
  });

  it('a partial refund drops its line and its stock only; a full refund closes the order', async () => {
    const o = order(newId(), { status: 'paid_on_hold', platformStatus: 'PAID_FORBID_CONSIGN' }, ['SKU-A', 'SKU-B']);
    const [a, b] = o.lines.map((l) => l.lineId);
    const h = await start(o);
    await until(h, (x) => x.state === 'platform_hold');
    await h.signal(platformSnapshot, snapshot(o, { status: 'paid', updatedAt: '2026-12-01T11:00:00+08:00', lines: [{ lineId: a ?? '', refundStatus: 'refunded' }, { lineId: b ?? '', refundStatus: 'none' }] }));
    const pushed = await until(h, (x) => x.state === 'pushed_to_wms');
    expect(pushed.order.lines.map((l) => l.lineId)).toEqual([b]);
    const pushedLines = capability(h.workflowId, 'wms.order.push').map((c) => c.input);
    expect(pushedLines).toEqual([expect.objectContaining({ order: expect.objectContaining({ lines: [expect.objectContaining({ lineId: b })] }) })]);

    const o2 = order(newId());
    const h2 = await start(o2);
    await until(h2, (x) => x.state === 'pushed_to_wms');
    await h2.signal(platformSnapshot, snapshot(o2, { status: 'paid', updatedAt: '2026-12-01T11:00:00+08:00', lines: [{ lineId: o2.lines[0]?.lineId ?? '', refundStatus: 'requested' }] }));
    const intercepted = await until(h2, (x) => x.state === 'platform_hold');
    expect(intercepted.timeline.at(-1)?.cause).toMatch(/intercepted at wdt/);
    await h2.signal(platformSnapshot, snapshot(o2, { status: 'closed_by_refund', platformStatus: 'TRADE_CLOSED', updatedAt: '2026-12-01T12:00:00+08:00', lines: [{ lineId: o2.lines[0]?.lineId ?? '', refundStatus: 'refunded' }] }));
    const end = await h2.result();
    expect(end.state).toBe('closed');
    // One intercept (the refund's), then the waybill cancelled and the stock released.
    expect(capability(h2.workflowId, 'wms.order.intercept')).toHaveLength(1);
    expect(capability(h2.workflowId, 'waybill.cancel')).toHaveLength(1);
    expect(named(h2.workflowId, 'releaseInventory')).toHaveLength(1);
    await recordHistory(h.workflowId, 'real-life-partial-refund-dropped');
    await recordHistory(h2.workflowId, 'real-life-refund-intercepted-closed');
  });
});

describe('a refund during a WMS outage', () => {
  it('the intercept waits out the 504 storm instead of failing the order, then the refund closes it', async () => {
    const o = order(newId());
    const wf = `order:tb:${o.source.platformOrderId}`;
    const h = await start(o);
    await until(h, (x) => x.state === 'pushed_to_wms');
    outages.set(`${wf} wms.order.intercept`, 5);
    await h.signal(platformSnapshot, snapshot(o, { status: 'paid', updatedAt: '2026-12-01T11:00:00+08:00', lines: [{ lineId: o.lines[0]?.lineId ?? '', refundStatus: 'requested' }] }));
    const waited = await until(h, (x) => x.state === 'platform_hold');
    expect(waited.timeline.some((t) => /WMS intercept: wdt unavailable/.test(t.cause))).toBe(true);
    expect(capability(wf, 'wms.order.intercept').length).toBeGreaterThanOrEqual(6);
    await h.signal(platformSnapshot, snapshot(o, { status: 'closed_by_refund', platformStatus: 'TRADE_CLOSED', updatedAt: '2026-12-01T12:00:00+08:00', lines: [{ lineId: o.lines[0]?.lineId ?? '', refundStatus: 'refunded' }] }));
    expect((await h.result()).state).toBe('closed');
  });
});

describe('stale platform copies', () => {
  it('a copy that only sends the street detail in another form (ciphertext before shipment, masked after) is no address change', async () => {
    const o = order(newId(), { address: { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', detail: { ciphertext: '~AgAAAAB1c2Vy~', plaintext: '文三路100号' } } });
    const h = await start(o);
    await until(h, (x) => x.state === 'pushed_to_wms');
    await h.signal(platformSnapshot, snapshot(o, { status: 'shipped', platformStatus: 'WAIT_BUYER_CONFIRM_GOODS', updatedAt: '2026-12-01T11:00:00+08:00', address: { ...o.address, detail: { masked: '文三路1**号' } } }));
    await h.signal(trackingEvent, { event: 'picked_up', at: new Date().toISOString(), source: 'test' });
    await until(h, (x) => x.state === 'in_transit');
    await h.signal(trackingEvent, { event: 'delivered', at: new Date().toISOString(), source: 'test' });
    const end: OrderState = await h.result();
    expect(end.state).toBe('completed');
    expect(end.timeline.some((t) => /address/.test(t.cause))).toBe(false);
    expect(capability(h.workflowId, 'waybill.update')).toHaveLength(0);
    expect(named(h.workflowId, 'auditAddressChange')).toHaveLength(0);
  });

  it('an older copy arriving late changes nothing and is noted', async () => {
    const o = order(newId(), { status: 'paid_on_hold', platformStatus: 'PAID_FORBID_CONSIGN', updatedAt: '2026-12-01T10:00:00+08:00' });
    const h = await start(o);
    await until(h, (x) => x.state === 'platform_hold');
    const moved = { ...o.address, detail: { masked: '文二路9**号' } };
    await h.signal(platformSnapshot, snapshot(o, { status: 'paid_on_hold', updatedAt: '2026-12-01T12:00:00+08:00', address: moved }));
    // A replayed copy from before both: its old address and its hold must not come back.
    await h.signal(platformSnapshot, snapshot(o, { status: 'paid_on_hold', updatedAt: '2026-12-01T09:00:00+08:00' }));
    const st = await until(h, (x) => x.timeline.some((t) => /stale platform copy ignored/.test(t.cause)));
    await until(h, (x) => x.order.address.detail?.masked === '文二路9**号');
    expect(st.timeline.filter((t) => /stale platform copy ignored/.test(t.cause))).toHaveLength(1);
    await h.signal(platformSnapshot, snapshot(o, { status: 'paid', updatedAt: '2026-12-01T13:00:00+08:00', address: moved }));
    const pushed = await until(h, (x) => x.state === 'pushed_to_wms');
    expect(pushed.order.address.detail?.masked).toBe('文二路9**号');
    await recordHistory(h.workflowId, 'real-life-stale-copy-ignored');
  });
});
