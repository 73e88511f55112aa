import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTemporal } from '../src/embedded/services.js';
import type { ManagedProcess } from '../src/embedded/process.js';
import type { Hub } from '../src/hub.js';
import { createLogger } from '../src/logger.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { deliver, orderWorkflowIds, steadyTraffic, type Delivery } from './support/traffic.js';

/**
 * The Temporal dev server stopped and started under webhook traffic, on a server of this test's
 * own whose SQLite file survives the restart. Webhooks answer 503 with Retry-After while it is
 * down (well inside Shopify's 5 s), nothing is acknowledged that was not stored, and the same hub
 * (client and worker) carries on once it is back.
 */
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'warn', name: 'outage-temporal' });

let dataDir = '';
let port = 0;
let temporal: { address: string; process: ManagedProcess } | null = null;
let hub: Hub & { prefix: string; taskQueue: string };

const start = async () => {
  temporal = await startEmbeddedTemporal({ dataDir, port, uiPort: null, namespace: 'default', fastSqlite: true, logger, startTimeoutMs: 90_000 });
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-temporal-outage-'));
  port = await freePort();
  await start();
  // A start deadline well under the platform's 5 s leaves the 503 check room on a loaded machine
  // (the default 2.5 s left 2 s for everything else in the request).
  hub = await startTestHub({
    config: { temporal: { address: temporal?.address, taskQueue: `tq-tdown-${port}` }, resilience: { temporalStartDeadlineMs: 1_000 } },
    taskQueue: `tq-tdown-${port}`,
  });
});
afterAll(async () => {
  await hub?.stop();
  await temporal?.process.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Temporal stopped and started during traffic', () => {
  it('503s with Retry-After while down, acknowledges only stored orders, and reconnects by itself', async () => {
    const traffic = steadyTraffic(hub, { concurrency: 3, gapMs: 100 });
    await new Promise((r) => setTimeout(r, 1_500));
    await temporal?.process.stop();
    await new Promise((r) => setTimeout(r, 4_000));
    const ready = await hub.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect((await json(ready)).checks).toContainEqual({ name: 'temporal', ok: false, reason: expect.any(String) });
    await start();
    await new Promise((r) => setTimeout(r, 2_000));
    const deliveries = await traffic.stop();

    const refused = deliveries.filter((d) => d.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    for (const d of refused) {
      expect(d.status).toBe(503);
      expect(d.retryAfter).toBe('10');
    }
    // Answered well before the platform's 5 s webhook timeout.
    const slowest503 = Math.max(...refused.map((d) => d.ms));
    expect(slowest503).toBeLessThan(4_500);

    // The platform redelivers what was refused (same webhook id, same body): now it is taken.
    const redelivered: Delivery[] = [];
    for (const d of refused) redelivered.push(await deliver(hub, d.orderId));
    expect(redelivered.filter((d) => d.status !== 200)).toEqual([]);

    // Every acknowledged webhook has its workflow and every workflow was acknowledged.
    const acked = [...deliveries.filter((d) => d.status === 200), ...redelivered];
    const expected = new Set(acked.map((d) => `order:${d.orderKey ?? ''}`));
    expect(expected.size).toBe(deliveries.length);
    // Stored: each acknowledged order's workflow exists (describe reads the execution itself).
    const missing: string[] = [];
    for (const id of expected) await hub.client.workflow.getHandle(id).describe().catch(() => missing.push(id));
    expect(missing).toEqual([]);
    // And nothing unacknowledged exists. The list comes from visibility, which the restarted
    // server fills asynchronously from its task queue, so it is read until it settles.
    await expect.poll(async () => [...(await orderWorkflowIds(hub))].sort(), { timeout: 30_000, interval: 500 }).toEqual([...expected].sort());

    // The hub's own worker picked the queue up again: orders received before, during and after
    // the outage all ran (intake-only hub: they end 'paid').
    await expect
      .poll(async () => {
        const states = await Promise.all(acked.map(async (d) => (await json(await hub.app.request(`/api/orders/${d.orderKey ?? ''}`, { headers: admin })))?.state));
        return states.filter((s) => s !== 'paid').length;
      }, { timeout: 60_000, interval: 500 })
      .toBe(0);
    await expect.poll(async () => (await hub.app.request('/readyz')).status, { timeout: 15_000, interval: 250 }).toBe(200);
    console.info(`temporal outage: ${deliveries.length} webhooks, ${refused.length} refused 503 (slowest ${slowest503} ms), all stored after redelivery`);
  });
});
