import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmbeddedRedis } from '../src/embedded/services.js';
import type { ManagedProcess } from '../src/embedded/process.js';
import { createLogger } from '../src/logger.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, SHOP, startTestHub, TEST_SECRET } from './support/hub.js';
import { capturingLogger, startCliHub, trapUnhandled } from './support/shutdown.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import { steadyTraffic } from './support/traffic.js';

/**
 * Stopping the hub while its Redis is down (a redis-server of this test's own): webhooks and
 * activities are using Redis when it goes away, then the hub stops. No uncaught error, no
 * unhandled rejection, and the stop ends.
 */
const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'warn', name: 'shutdown-redis' });
const WH = 'WH-SD';

let dataDir = '';
let port = 0;
let redis: { url: string; process: ManagedProcess } | null = null;
let traps: ReturnType<typeof trapUnhandled> | null = null;

const startRedis = async () => {
  redis = await startEmbeddedRedis({ dataDir, port, logger });
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-shutdown-redis-'));
  port = await freePort();
  await startRedis();
});
afterEach(() => traps?.dispose());
afterAll(async () => {
  await redis?.process.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('stopping the hub while Redis is down', () => {
  it('embedded, under traffic with the lifecycle on: stops cleanly', async () => {
    const log = capturingLogger();
    const hub = await startTestHub({
      config: { redis: { url: redis?.url }, lifecycle: { enabled: true, warehouse: WH }, rules: { interception: { risk: false } } },
      logger: log.logger,
    });
    traps = trapUnhandled();
    const traffic = steadyTraffic(hub, { concurrency: 2, gapMs: 100 });
    await expect.poll(() => traffic.deliveries.filter((d) => d.status === 200).length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    await redis?.process.stop();
    const sentBefore = traffic.deliveries.length;
    // Deliveries made while Redis is down (Temporal is up: they are still taken).
    await expect.poll(() => traffic.deliveries.length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(sentBefore + 2);
    await hub.stop();
    await traffic.stop();
    expect(traps.errors).toEqual([]);
    expect(log.messages()).toContain('hub stopped');
    await startRedis();
  });

  it('the CLI on SIGTERM, Redis stopped under traffic: exits 0', async () => {
    const hubPort = await freePort();
    const cli = await startCliHub({
      configFile: path.join(dataDir, 'hub.yaml'),
      port: hubPort,
      env: { TEMPORAL_ADDRESS: '', REDIS_URL: '', TEST_SHOPIFY_SECRET: TEST_SECRET, ADMIN_KEY },
      config: JSON.stringify({
        server: { host: '127.0.0.1', port: hubPort },
        temporal: { address: inject('temporalAddress'), taskQueue: `tq-shutdown-redis-${hubPort}` },
        redis: { url: redis?.url, keyPrefix: 'cli:' },
        lifecycle: { enabled: true, warehouse: WH },
        rules: { interception: { risk: false } },
        auth: { apiKeys: [{ name: 'admin', key: '${ADMIN_KEY}', roles: ['operations_lead'] }] },
        channels: [{ id: 'shopify-test', adapter: 'shopify', shop: SHOP, secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' }],
        log: { level: 'info' },
      }),
    });
    const post = () => fetch(`${cli.url}/webhooks/shopify`, shopifyRequest(sampleOrder(newOrderId()), {}));
    expect((await post()).status).toBe(200);
    await redis?.process.stop();
    // Taken while Redis is down: Temporal stores it, the delivery dedupe degrades.
    expect((await post()).status).toBe(200);
    const inFlight = post().then((r) => r.status, (err: unknown) => err);
    const code = await cli.terminate();
    await inFlight;
    expect(cli.output()).not.toMatch(/Uncaught|Unhandled/i);
    expect(cli.output()).toContain('hub stopped');
    expect(code, cli.output().slice(-3000)).toBe(0);
    await startRedis();
  });
});
