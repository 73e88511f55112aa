import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as wecomSandbox, type WecomSandbox } from '../adapters/wecom/sandbox.js';
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
 * A hold's notice while Redis (the notification outbox) is away for longer than the notice's
 * retries: seen in the seeded fault day, where the order said "notice to wecom failed" and nobody
 * was told. Redis goes down exactly when the notice starts (the router's entry point stops it
 * first), so the hold itself is recorded and only the notice meets the outage. The notice then
 * waits for Redis beside the order and reaches the robot once. Redis is this test's own server.
 */
const WH = 'WH-NO';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'warn', name: 'hold-notice-outage' });
/** Longer than the notice's own retries (3 attempts, 1 s then 2 s apart). */
const OUTAGE_MS = 6_000;

let dataDir = '';
let port = 0;
let redis: { url: string; process: ManagedProcess } | null = null;
let robot: WecomSandbox;
let hub: Hub & { prefix: string };
const { waitFor } = orderApi(() => hub);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-notice-outage-'));
  port = await freePort();
  redis = await startEmbeddedRedis({ dataDir, port, logger });
  robot = await wecomSandbox.start();
  const cfg = robot.connectorConfig();
  hub = await startTestHub({
    prefix: 'no:',
    env: { WECOM_KEY: String(cfg['key']) },
    config: {
      redis: { url: redis.url, keyPrefix: 'no:' },
      resilience: { outageRetryMs: 500 },
      lifecycle: { enabled: true, warehouse: WH, onLockFailure: 'hold', notify: { insufficient_stock: 'wecom-ops' } },
      rules: { interception: { risk: false } },
      connectors: [{ id: 'wecom-ops', adapter: 'wecom', config: { ...cfg, key: '${WECOM_KEY}' } }],
    },
  });
  const pool = new InventoryPool(hub.redis, hub.prefix);
  await pool.setOnHand(WH, 'NO-A', 0);
  await pool.setOnHand(WH, 'NO-B', 5);
});
afterAll(async () => {
  await hub?.stop();
  await robot?.close();
  await redis?.process.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a hold notice during a Redis outage', () => {
  it('waits for the outbox and reaches the robot once; the order is decided meanwhile', async () => {
    const original = hub.notifications.deliverLifecycleAlert.bind(hub.notifications);
    let outage: Promise<void> | null = null;
    hub.notifications.deliverLifecycleAlert = async (req) => {
      outage ??= redis!.process.stop();
      await outage;
      return original(req);
    };
    const id = newOrderId();
    const body = sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "NO-A"').replace('"sku": "IPOD2008BLUE"', '"sku": "NO-B"'));
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
    expect(res.status).toBe(200);
    const key = String((await json(res)).orderKey);
    await waitFor(key, 'on_hold');
    for (let i = 0; i < 100 && !outage; i++) await new Promise((r) => setTimeout(r, 50));
    expect(outage).not.toBeNull();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect(robot.state().messages).toHaveLength(0);
    redis = await startEmbeddedRedis({ dataDir, port, logger });

    let timeline: string[] = [];
    for (let i = 0; i < 200 && robot.state().messages.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 100 && !timeline.includes('wecom-ops told: insufficient_stock'); i++) {
      const state = await json(await hub.app.request(`/api/orders/${key}`, { headers: admin }));
      timeline = ((state.timeline ?? []) as Json[]).map((t) => String(t.cause));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(timeline.filter((c) => c.startsWith('notice to wecom-ops waits:'))).toHaveLength(1);
    expect(timeline.filter((c) => c === 'wecom-ops told: insufficient_stock')).toHaveLength(1);
    expect(timeline.some((c) => c.startsWith('notice to wecom-ops failed'))).toBe(false);
    const messages = robot.state().messages;
    expect(messages).toHaveLength(1);
    expect(JSON.stringify(messages[0])).toContain(key);

    const decision = await hub.app.request(`/api/decisions/${key}`, { method: 'POST', headers: admin, body: JSON.stringify({ action: 'reject' }) });
    expect(decision.status).toBe(200);
    await waitFor(key, 'cancelled');
    expect(robot.state().messages).toHaveLength(1);
    await recordHistory(`order:${key}`, 'hold-notice-waited-out-outage');
  });
});
