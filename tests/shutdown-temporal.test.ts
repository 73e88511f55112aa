import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmbeddedTemporal } from '../src/embedded/services.js';
import type { ManagedProcess } from '../src/embedded/process.js';
import type { Hub } from '../src/hub.js';
import { createLogger } from '../src/logger.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, SHOP, startTestHub, TEST_SECRET } from './support/hub.js';
import { capturingLogger, startCliHub, trapUnhandled } from './support/shutdown.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import { steadyTraffic } from './support/traffic.js';

/**
 * Stopping the hub while Temporal is unreachable: the client is retrying calls on its backoff
 * timers when the hub closes the connection. The stop ends without an uncaught error or an
 * unhandled rejection, and every caller hears back.
 */
const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'warn', name: 'shutdown-temporal' });

let dataDir = '';
let port = 0;
let temporal: { address: string; process: ManagedProcess } | null = null;
let traps: ReturnType<typeof trapUnhandled> | null = null;

const startTemporal = async () => {
  temporal = await startEmbeddedTemporal({ dataDir, port, uiPort: null, namespace: 'default', fastSqlite: true, logger, startTimeoutMs: 90_000 });
};
const settle = (p: Promise<unknown>) => p.then(() => 'answered', (err: unknown) => err);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-shutdown-temporal-'));
  port = await freePort();
  await startTemporal();
});
afterEach(() => traps?.dispose());
afterAll(async () => {
  await temporal?.process.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('stopping the hub while Temporal is down', () => {
  it('embedded, never reached: calls still retrying fail to their callers, nothing is thrown from a retry timer', async () => {
    const deadPort = await freePort();
    const log = capturingLogger();
    const hub = await startTestHub({ config: { temporal: { address: `127.0.0.1:${deadPort}` } }, worker: false, logger: log.logger });
    traps = trapUnhandled();
    // The embedding service's own call (no deadline: the client retries it for ~20 s), a webhook
    // and a readiness probe, all in flight while the client backs off.
    const own = settle(hub.client.workflow.start('orderLifecycle', { taskQueue: 'never-polled', workflowId: `wf-${newOrderId()}`, args: [] }));
    const readyz = hub.app.request('/readyz');
    const webhook = await hub.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(newOrderId()), {}));
    expect(webhook.status).toBe(503);
    expect((await readyz).status).toBe(503);
    await hub.stop();
    expect(await Promise.race([own, traps.first])).toBeInstanceOf(Error);
    expect(traps.errors).toEqual([]);
    expect(log.messages()).toContain('hub stopped');
  });

  it('embedded, with its worker, Temporal stopped under traffic: stops cleanly', async () => {
    const hub: Hub = await startTestHub({ config: { temporal: { address: temporal?.address } } });
    traps = trapUnhandled();
    const traffic = steadyTraffic(hub, { concurrency: 2, gapMs: 100 });
    await expect.poll(() => traffic.deliveries.filter((d) => d.status === 200).length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    await temporal?.process.stop();
    await expect.poll(() => traffic.deliveries.filter((d) => d.status === 503).length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    const own = settle(hub.client.workflow.start('orderLifecycle', { taskQueue: 'never-polled', workflowId: `wf-${newOrderId()}`, args: [] }));
    const readyz = hub.app.request('/readyz');
    await hub.stop();
    const deliveries = await traffic.stop();
    expect(deliveries.filter((d) => d.status !== 200 && d.status !== 503)).toEqual([]);
    expect(await Promise.race([own, traps.first])).toBeInstanceOf(Error);
    expect((await readyz).status).toBe(503);
    expect(traps.errors).toEqual([]);
    await startTemporal();
  });

  it('the CLI on SIGTERM, Temporal stopped under traffic: exits 0', async () => {
    const hubPort = await freePort();
    const cli = await startCliHub({
      configFile: path.join(dataDir, 'hub.yaml'),
      port: hubPort,
      env: { TEMPORAL_ADDRESS: '', REDIS_URL: '', TEST_SHOPIFY_SECRET: TEST_SECRET, ADMIN_KEY },
      config: JSON.stringify({
        server: { host: '127.0.0.1', port: hubPort },
        temporal: { address: temporal?.address, taskQueue: `tq-shutdown-cli-${hubPort}` },
        redis: { url: inject('redisUrl'), keyPrefix: `cli${hubPort}:` },
        auth: { apiKeys: [{ name: 'admin', key: '${ADMIN_KEY}', roles: ['operations_lead'] }] },
        channels: [{ id: 'shopify-test', adapter: 'shopify', shop: SHOP, secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' }],
        log: { level: 'info' },
      }),
    });
    const post = () => fetch(`${cli.url}/webhooks/shopify`, shopifyRequest(sampleOrder(newOrderId()), {}));
    expect((await post()).status).toBe(200);
    await temporal?.process.stop();
    expect((await post()).status).toBe(503);
    // In flight at the signal: the readiness probe, backing off against the stopped server.
    const readyz = settle(fetch(`${cli.url}/readyz`));
    const code = await cli.terminate();
    await readyz;
    expect(cli.output()).not.toMatch(/Channel has been shut down|Uncaught|Unhandled/i);
    expect(cli.output()).toContain('hub stopped');
    expect(code, cli.output().slice(-3000)).toBe(0);
    await startTemporal();
  });
});
