import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { recordHistory } from './support/histories.js';
import { pushes } from './support/test-platform-adapter.js';
import { stockSyncScheduleId, lockExpiryScheduleId } from '../src/temporal/schedules.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import { orderApi } from './support/orders.js';

/**
 * The lifecycle on the real dev server and Redis, without downstream connectors (courier and
 * WMS are covered in lifecycle-downstream.test.ts): rules, holds and decisions, inventory,
 * tracking, cancellation with compensation.
 */
let hub: Hub & { prefix: string };
let pool: InventoryPool;
const WH = 'WH-T';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };

beforeAll(async () => {
  hub = await startTestHub({
    config: {
      lifecycle: { enabled: true, warehouse: WH, onLockFailure: 'hold', stockSync: { platforms: ['plat'] } },
      adapters: { modules: ['./tests/support/test-platform-adapter.ts'] },
      connectors: [{ id: 'plat', adapter: 'test-platform', config: { name: 'plat' } }],
      rules: {
        risk: { maxOrdersPer24h: 2 },
        gifts: [{ id: 'g1', mainSku: 'ZP-2026-01', minAmount: { minor: 29900, currency: 'USD' }, gift: { sku: 'FP-001', title: 'water fountain filter', qty: 1, labelPosition: 'top right of the waybill' } }],
      },
    },
  });
  pool = new InventoryPool(hub.redis, hub.prefix);
});
afterAll(async () => {
  await hub?.stop();
});

/** The documented sample with its own SKUs and a unique phone, so risk counts stay per test. */
function order(orderId: string, opts: { skus?: [string, string]; phone?: string; price?: string } = {}) {
  const [a, b] = opts.skus ?? ['IPOD2008PINK', 'IPOD2008BLUE'];
  const phone = opts.phone ?? `555-${orderId.slice(-7)}`;
  return sampleOrder(orderId, (o) =>
    o
      .replace('"sku": "IPOD2008PINK"', `"sku": "${a}"`)
      .replace('"sku": "IPOD2008BLUE"', `"sku": "${b}"`)
      .replaceAll('"phone": "555-555-SHIP"', `"phone": "${phone}"`)
      // Recent times: the risk window counts orders of the last 24 h.
      .replaceAll('2021-12-31T19:00:00-05:00', new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00')),
  );
}

async function send(body: string): Promise<string> {
  const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
  expect(res.status).toBe(200);
  return (await json(res)).orderKey;
}

const { stateOf, waitFor } = orderApi(() => hub);

const post = (path: string, body: unknown) => hub.app.request(path, { method: 'POST', headers: admin, body: JSON.stringify(body) });

describe('order lifecycle', () => {
  it('locks stock, waits for pickup, commits stock and completes on delivery', async () => {
    await pool.setOnHand(WH, 'L1-A', 5);
    await pool.setOnHand(WH, 'L1-B', 5);
    const key = await send(order(newOrderId(), { skus: ['L1-A', 'L1-B'] }));
    const locked = await waitFor(key, 'inventory_locked');
    expect(locked.timeline.map((t: Json) => t.state)).toEqual(['received', 'paid', 'risk_check', 'inventory_locked']);
    expect(await pool.get(WH, 'L1-A')).toMatchObject({ onHand: 5, locked: 1, available: 4 });

    expect((await post(`/api/orders/${key}/tracking`, { event: 'picked_up', at: '2026-11-21T10:00:00+08:00' })).status).toBe(200);
    await waitFor(key, 'in_transit');
    // Stock is committed by the activity right after the state changes.
    for (let i = 0; i < 50 && (await pool.get(WH, 'L1-A')).onHand !== 4; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await pool.get(WH, 'L1-A')).toMatchObject({ onHand: 4, locked: 0, available: 4 });
    // Cancelling after pickup is refused with the reason.
    const late = await post(`/api/orders/${key}/cancel`, { cause: 'buyer changed mind', confirm: true });
    expect(late.status).toBe(409);
    expect((await json(late)).error.message).toMatch(/after-sales/);

    await post(`/api/orders/${key}/tracking`, { event: 'delivered', at: '2026-11-22T10:00:00+08:00' });
    await waitFor(key, 'completed');
    const result = await hub.client.workflow.getHandle(`order:${key}`).result();
    expect(result.state).toBe('completed');
    expect((await stateOf(key)).runStatus).toBe('COMPLETED');
    await recordHistory(`order:${key}`, 'lifecycle-completed');
  });

  it('freezes an order whose SKU the stock pool does not know, and a reject cancels it', async () => {
    await pool.setOnHand(WH, 'L2-A', 5);
    const key = await send(order(newOrderId(), { skus: ['L2-A', 'NOT-IN-POOL'] }));
    const held = await waitFor(key, 'on_hold');
    expect(held.hold).toMatchObject({ reason: 'sku_unknown', level: 3 });
    // The queue entry is written by the activity right after the state changes.
    let queued: string[] = [];
    for (let i = 0; i < 50 && !queued.includes(key); i++) {
      queued = (await json(await hub.app.request('/api/decisions', { headers: admin }))).items.map((d: Json) => d.orderKey);
      if (!queued.includes(key)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(queued).toContain(key);

    expect((await post(`/api/decisions/${key}`, { action: 'maybe' })).status).toBe(400);
    const res = await post(`/api/decisions/${key}`, { action: 'reject', note: 'discontinued' });
    expect(res.status).toBe(200);
    const cancelled = await waitFor(key, 'cancelled');
    expect(cancelled.timeline.some((t: Json) => t.cause === 'decision: reject (discontinued)' && t.actor === 'admin')).toBe(true);
    expect((await json(await hub.app.request('/api/decisions', { headers: admin }))).items.map((d: Json) => d.orderKey)).not.toContain(key);
    expect(await pool.get(WH, 'L2-A')).toMatchObject({ locked: 0, available: 5 });
    await recordHistory(`order:${key}`, 'lifecycle-sku-unknown-rejected');
  });

  it('adds the gift line from the gift matrix and locks the gift too', async () => {
    await pool.setOnHand(WH, 'ZP-2026-01', 3);
    await pool.setOnHand(WH, 'L3-B', 3);
    await pool.setOnHand(WH, 'FP-001', 3);
    const key = await send(order(newOrderId(), { skus: ['ZP-2026-01', 'L3-B'] }));
    const locked = await waitFor(key, 'inventory_locked');
    const gift = locked.order.lines.find((l: Json) => l.merchantSku === 'FP-001');
    expect(gift).toMatchObject({ quantity: 1, gift: { labelPosition: 'top right of the waybill' }, unitPrice: { minor: 0 } });
    expect(await pool.get(WH, 'FP-001')).toMatchObject({ locked: 1 });
    await recordHistory(`order:${key}`, 'lifecycle-gift-locked');
  });

  it('holds the third order from one phone in 24 h (risk level 2); approve lets it continue', async () => {
    for (const s of ['L4-A', 'L4-B']) await pool.setOnHand(WH, s, 10);
    const phone = `555-${Date.now() % 10_000_000}`;
    const keys: string[] = [];
    // One after the other, as a buyer would: each passes its rules check before the next arrives.
    for (let i = 0; i < 3; i++) {
      keys.push(await send(order(newOrderId(), { skus: ['L4-A', 'L4-B'], phone })));
      if (i < 2) await waitFor(keys[i] ?? '', 'inventory_locked');
    }
    const held = await waitFor(keys[2] ?? '', 'on_hold');
    expect(held.hold.reason).toBe('order_frequency');
    const approve = await post(`/api/decisions/${keys[2]}`, { action: 'approve', note: 'known wholesale buyer' });
    expect(approve.status, JSON.stringify(await approve.clone().json())).toBe(200);
    await waitFor(keys[2] ?? '', 'inventory_locked');
    await recordHistory(`order:${keys[2]}`, 'lifecycle-risk-approved');
  });

  it('holds an order that cannot lock, and cancellation releases what was locked', async () => {
    await pool.setOnHand(WH, 'L5-A', 1);
    await pool.setOnHand(WH, 'L5-B', 0);
    const short = await send(order(newOrderId(), { skus: ['L5-A', 'L5-B'] }));
    const held = await waitFor(short, 'on_hold');
    expect(held.hold).toMatchObject({ reason: 'insufficient_stock' });
    expect(await pool.get(WH, 'L5-A')).toMatchObject({ locked: 0 }); // all-or-nothing: nothing locked

    // Stock arrives; approve retries the lock.
    await pool.setOnHand(WH, 'L5-B', 2);
    await post(`/api/decisions/${short}`, { action: 'approve' });
    await waitFor(short, 'inventory_locked');
    expect(await pool.get(WH, 'L5-A')).toMatchObject({ locked: 1, available: 0 });

    // Without confirm the cancel is refused; with it, stock comes back at once.
    expect((await post(`/api/orders/${short}/cancel`, { cause: 'buyer asked' })).status).toBe(400);
    const res = await post(`/api/orders/${short}/cancel`, { cause: 'buyer asked', confirm: true });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ cancelled: true, state: 'cancelled', failedCompensations: [] });
    expect(await pool.get(WH, 'L5-A')).toMatchObject({ locked: 0, available: 1 });
    const final = await stateOf(short);
    expect(final.timeline.map((t: Json) => t.cause)).toContain('compensated: release stock');
    await recordHistory(`order:${short}`, 'lifecycle-insufficient-approved-cancelled');
  });

  it('pushes a sold-out SKU to the platforms at once, and the schedule pushes the whole pool', async () => {
    await pool.setOnHand(WH, 'L6-A', 1);
    await pool.setOnHand(WH, 'L6-B', 9);
    const key = await send(order(newOrderId(), { skus: ['L6-A', 'L6-B'] }));
    await waitFor(key, 'inventory_locked');
    let urgent;
    for (let i = 0; i < 100 && !urgent; i++) {
      urgent = pushes.find((p) => p.idempotencyKey.startsWith(`order:${key}:stock-push`));
      if (!urgent) await new Promise((r) => setTimeout(r, 100));
    }
    expect(urgent?.items).toEqual([{ sku: 'L6-A', available: 0 }]);
    expect((await stateOf(key)).timeline.map((t: Json) => t.cause)).toContain('sold out: L6-A; pushing 0 to plat');

    // The schedules exist for SREs; triggering the stock sync pushes every SKU with its availability.
    const tq = (hub as { taskQueue?: string }).taskQueue ?? '';
    const sched = hub.client.schedule.getHandle(stockSyncScheduleId(tq));
    expect((await sched.describe()).spec.intervals?.[0]?.every).toBe(5 * 60_000);
    await hub.client.schedule.getHandle(lockExpiryScheduleId(tq)).describe();
    const before = pushes.length;
    await sched.trigger();
    for (let i = 0; i < 100 && pushes.length === before; i++) await new Promise((r) => setTimeout(r, 100));
    const full = pushes.at(-1)?.items ?? [];
    expect(full).toEqual(expect.arrayContaining([{ sku: 'L6-A', available: 0 }, { sku: 'L6-B', available: 8 }]));
  });

  it('reserves stock for an unpaid order, and proceeds when the platform says it is paid', async () => {
    await pool.setOnHand(WH, 'L7-A', 2);
    await pool.setOnHand(WH, 'L7-B', 2);
    const id = newOrderId();
    const unpaid = order(id, { skus: ['L7-A', 'L7-B'] }).replace('"financial_status": "paid"', '"financial_status": "pending"');
    const key = await send(unpaid);
    await waitFor(key, 'awaiting_payment');
    let causes: string[] = [];
    for (let i = 0; i < 50 && !causes.includes('stock reserved for the payment countdown'); i++) {
      causes = (await stateOf(key)).timeline.map((t: Json) => t.cause);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(causes).toContain('stock reserved for the payment countdown');
    expect(await pool.get(WH, 'L7-A')).toMatchObject({ locked: 1, available: 1 });
    // orders/paid: the same order again, now paid: the running workflow hears it.
    const paid = await hub.app.request('/webhooks/shopify', shopifyRequest(order(id, { skus: ['L7-A', 'L7-B'] }), { topic: 'orders/paid' }));
    expect(await json(paid)).toMatchObject({ duplicate: true });
    const locked = await waitFor(key, 'inventory_locked');
    expect(locked.timeline.map((t: Json) => `${t.state}: ${t.cause}`)).toEqual([
      'received: received via webhook',
      'awaiting_payment: platform reports unpaid',
      'awaiting_payment: stock reserved for the payment countdown',
      'awaiting_payment: platform: paid (status paid)',
      'paid: platform status paid',
      'risk_check: rules',
      expect.stringMatching(/^inventory_locked: locked 2 line/),
    ]);
    expect(await pool.get(WH, 'L7-A')).toMatchObject({ locked: 1, available: 1 }); // the reservation, not a second lock
    // SREs find held and locked orders by status in Temporal's visibility store.
    const found: string[] = [];
    for (let i = 0; i < 50 && !found.includes(`order:${key}`); i++) {
      for await (const w of hub.client.workflow.list({ query: `OrderStatus = 'inventory_locked' AND Channel = 'shopify-test'` })) found.push(w.workflowId);
      if (!found.includes(`order:${key}`)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toContain(`order:${key}`);
    await recordHistory(`order:${key}`, 'lifecycle-unpaid-then-paid');
  });
});
