import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis } from '../src/embedded/services.js';
import type { ManagedProcess } from '../src/embedded/process.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { createLogger } from '../src/logger.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { recordHistory } from './support/histories.js';
import { json, type Json } from './support/json.js';
import { orderApi } from './support/orders.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * Record, rules, the stock lock and its release run as local activities (PATCH.LOCAL_STORE_STEPS):
 * no activity task on the server for them, and the same results. Redis stopped for longer than the
 * worker's local attempts: the order waits at the step it reached, the call is handed to the server's
 * retries, and the stock is locked exactly once after Redis is back. Redis is this test's own
 * redis-server (the shared one must stay up for the other tests).
 */
const WH = 'WH-LS';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'warn', name: 'local-store-steps' });
/** The activities this change moved into the worker. */
const SHORT_STEPS = ['recordOrder', 'checkOrderRules', 'lockInventory', 'releaseInventory'];
/** Longer than the worker's 5 local attempts take against a refused connection (about 3 s, workflows/lifecycle/activities.ts). */
const OUTAGE_MS = 9_000;

let dataDir = '';
let port = 0;
let redis: { url: string; process: ManagedProcess } | null = null;
let hub: Hub & { prefix: string };
let pool: InventoryPool;
const { waitFor } = orderApi(() => hub);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-local-steps-'));
  port = await freePort();
  redis = await startEmbeddedRedis({ dataDir, port, logger });
  hub = await startTestHub({ prefix: 'ls:', config: { redis: { url: redis.url, keyPrefix: 'ls:' }, lifecycle: { enabled: true, warehouse: WH }, rules: { interception: { risk: false } } } });
  pool = new InventoryPool(hub.redis, hub.prefix);
});
afterAll(async () => {
  await hub?.stop();
  await redis?.process.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const order = (id: string, skus: [string, string]) =>
  sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', `"sku": "${skus[0]}"`).replace('"sku": "IPOD2008BLUE"', `"sku": "${skus[1]}"`));

async function send(body: string): Promise<string> {
  const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
  expect(res.status).toBe(200);
  return (await json(res)).orderKey;
}

async function events(orderKey: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  return (await hub.client.workflow.getHandle(`order:${orderKey}`).fetchHistory()).events ?? [];
}
const scheduled = (evs: temporal.api.history.v1.IHistoryEvent[]) => evs.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter((n): n is string => Boolean(n));
const markers = (evs: temporal.api.history.v1.IHistoryEvent[], name: string) => evs.filter((e) => e.markerRecordedEventAttributes?.markerName === name).length;

describe('short store steps as local activities', () => {
  it('locks and releases in the worker: no activity task for record, rules, lock or release, and the stock comes back once', async () => {
    const skus: [string, string] = ['LS-A', 'LS-B'];
    for (const s of skus) await pool.setOnHand(WH, s, 5);
    const key = await send(order(newOrderId(), skus));
    const locked = await waitFor(key, 'inventory_locked');
    expect(locked.timeline.map((t: Json) => t.state)).toEqual(['received', 'paid', 'risk_check', 'inventory_locked']);
    expect(await pool.get(WH, 'LS-A')).toMatchObject({ onHand: 5, locked: 1, available: 4 });
    expect(await pool.hold(WH, `order:${key}:lock-0`)).toMatchObject({ state: 'locked' });

    const res = await hub.app.request(`/api/orders/${key}/cancel`, { method: 'POST', headers: admin, body: JSON.stringify({ cause: 'buyer asked', confirm: true }) });
    expect(await json(res)).toMatchObject({ cancelled: true, state: 'cancelled', failedCompensations: [] });
    expect(await pool.get(WH, 'LS-A')).toMatchObject({ onHand: 5, locked: 0, available: 5 });

    const evs = await events(key);
    expect(scheduled(evs).filter((n) => SHORT_STEPS.includes(n))).toEqual([]);
    // record, rules, lock, release: one local-activity marker each (SDK marker name), plus the patch.
    expect(markers(evs, 'core_local_activity')).toBe(4);
    expect(markers(evs, 'core_patch')).toBeGreaterThanOrEqual(1);
    await recordHistory(`order:${key}`, 'local-store-steps-locked-cancelled');
  });

  it("Redis down longer than the worker's local attempts: the order waits on the server-retried step and locks exactly once after", async () => {
    const skus: [string, string] = ['LS-OUT-A', 'LS-OUT-B'];
    for (const s of skus) await pool.setOnHand(WH, s, 5);
    await redis?.process.stop();
    const downFrom = Date.now();
    // Temporal is up: the webhook is still taken (its delivery dedupe degrades to the workflow id).
    const key = await send(order(newOrderId(), skus));
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const downUntil = Date.now();
    redis = await startEmbeddedRedis({ dataDir, port, logger });

    const locked = await waitFor(key, 'inventory_locked', 60_000);
    const notes = (locked.timeline as Json[]).map((t) => String(t.cause));
    expect(notes.some((c) => /failed 5 attempts in the worker .*handed to the server's retries/.test(c)), notes.join(' | ')).toBe(true);
    const hold = await pool.hold(WH, `order:${key}:lock-0`);
    expect(hold?.state).toBe('locked');
    const at = hold?.lockedAt ?? Number.NaN;
    expect(at >= downUntil, `locked at ${new Date(at).toISOString()}, Redis down ${new Date(downFrom).toISOString()}..${new Date(downUntil).toISOString()}`).toBe(true);
    expect(await pool.get(WH, 'LS-OUT-A')).toMatchObject({ onHand: 5, locked: 1, available: 4 });
    // The step that met the outage went to a server-retried activity; nothing ran past it.
    const names = scheduled(await events(key)).filter((n) => SHORT_STEPS.includes(n));
    expect(names.length).toBeGreaterThanOrEqual(1);
    expect(names.length).toBeLessThanOrEqual(2);
  });
});
