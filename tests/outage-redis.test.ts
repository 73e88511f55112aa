import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis } from '../src/embedded/services.js';
import type { ManagedProcess } from '../src/embedded/process.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { createLogger } from '../src/logger.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { orderWorkflowIds, steadyTraffic } from './support/traffic.js';

/**
 * Redis stopped and started under webhook traffic, on a redis-server of this test's own (the
 * shared one must stay up for the other tests). Webhooks keep taking orders (Temporal is up; the
 * delivery dedupe degrades to workflow-id dedupe), no order gets past the stock lock while Redis
 * is down, and the hub picks Redis up again without a restart.
 */
const WH = 'WH-RD';
const SKUS = ['RD-A', 'RD-B'];
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'warn', name: 'outage-redis' });

let dataDir = '';
let port = 0;
let redis: { url: string; process: ManagedProcess } | null = null;
let hub: Hub & { prefix: string; taskQueue: string };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-redis-outage-'));
  port = await freePort();
  redis = await startEmbeddedRedis({ dataDir, port, logger });
  const prefix = 'rd:';
  hub = await startTestHub({
    prefix,
    config: {
      redis: { url: redis.url, keyPrefix: prefix },
      lifecycle: { enabled: true, warehouse: WH },
      rules: { interception: { risk: false } },
    },
  });
  const pool = new InventoryPool(hub.redis, hub.prefix);
  for (const s of SKUS) await pool.setOnHand(WH, s, 10_000);
});
afterAll(async () => {
  await hub?.stop();
  await redis?.process.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const patch = (o: string) => o.replace('"sku": "IPOD2008PINK"', `"sku": "${SKUS[0]}"`).replace('"sku": "IPOD2008BLUE"', `"sku": "${SKUS[1]}"`);

describe('Redis stopped and started during traffic', () => {
  it('acknowledges exactly the orders it stored, locks none while down, and recovers without a restart', async () => {
    const traffic = steadyTraffic(hub, { concurrency: 3, gapMs: 60, patch });
    await new Promise((r) => setTimeout(r, 1_500));

    await redis?.process.stop();
    const downFrom = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    const ready = await hub.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect((await json(ready)).checks).toContainEqual({ name: 'redis', ok: false, reason: expect.any(String) });
    await new Promise((r) => setTimeout(r, 3_000));
    const downUntil = Date.now();
    redis = await startEmbeddedRedis({ dataDir, port, logger });
    await new Promise((r) => setTimeout(r, 1_500));
    const deliveries = await traffic.stop();

    const acked = deliveries.filter((d) => d.status === 200);
    const during = deliveries.filter((d) => d.sentAt >= downFrom && d.sentAt < downUntil);
    // Webhooks went on taking orders while Redis was down: Temporal stored them.
    expect(during.length).toBeGreaterThan(0);
    expect(deliveries.filter((d) => d.status !== 200).map((d) => `${d.status}`)).toEqual([]);

    // Every acknowledged webhook has its workflow, and every workflow was acknowledged.
    const expected = new Set(acked.map((d) => `order:${d.orderKey ?? ''}`));
    for (let i = 0; i < 40 && (await orderWorkflowIds(hub)).size < expected.size; i++) await new Promise((r) => setTimeout(r, 250));
    expect([...(await orderWorkflowIds(hub))].sort()).toEqual([...expected].sort());

    // Redis is back for the hub on its own connection: ready again, and every order gets its lock.
    await expect.poll(async () => (await hub.app.request('/readyz')).status, { timeout: 15_000, interval: 250 }).toBe(200);
    const states = async () => Promise.all(acked.map(async (d) => json(await hub.app.request(`/api/orders/${d.orderKey ?? ''}`, { headers: admin }))));
    await expect.poll(async () => (await states()).filter((s: Json) => s.state !== 'inventory_locked').length, { timeout: 60_000, interval: 500 }).toBe(0);
    const pool = new InventoryPool(hub.redis, hub.prefix);
    expect(await pool.get(WH, SKUS[0] ?? '')).toMatchObject({ locked: acked.length });

    // No order got past the lock while Redis was down. When stock was really taken is read from
    // the hold itself (stamped by Redis's clock inside the lock script): the timeline entry is
    // written when the workflow next runs, which on a loaded machine can fall inside the outage
    // for a lock taken just before it. Orders that arrived during the outage waited for Redis.
    const sentAt = new Map(acked.map((d) => [d.orderKey, d.sentAt]));
    let waited = 0;
    for (const s of await states()) {
      // The workflow's first (and here only) hold: `<workflowId>:lock-0`.
      const hold = await pool.hold(WH, `order:${String(s.orderKey)}:lock-0`);
      expect(hold?.state, `${s.orderKey} holds no stock`).toBe('locked');
      const at = hold?.lockedAt ?? Number.NaN;
      expect(at < downFrom || at >= downUntil, `${s.orderKey} locked at ${new Date(at).toISOString()} while Redis was down`).toBe(true);
      const timelineAt = Date.parse((s.timeline as Json[]).find((t) => t.state === 'inventory_locked')?.at ?? '');
      expect(timelineAt, `${s.orderKey}: timeline says locked before the lock`).toBeGreaterThanOrEqual(at - 5);
      const sent = sentAt.get(s.orderKey) ?? 0;
      if (sent >= downFrom && sent < downUntil && at >= downUntil) waited++;
    }
    expect(waited).toBe(during.length);
    console.info(`redis outage: ${deliveries.length} webhooks, ${during.length} while down, all acknowledged and stored`);
  });
});
