import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { InventoryPool } from '../src/inventory/pool.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, SHOP, startTestHub, TEST_SECRET } from './support/hub.js';
import { capturingLogger, startCliHub, trapUnhandled } from './support/shutdown.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * Stopping the hub while a downstream system hangs: the WMS gateway holds every push open past
 * the drain. The stop waits out the drain, says in the log that the in-flight pushes are left to
 * Temporal, and ends without an uncaught error or unhandled rejection.
 */
const WH = 'WH-SDD';
const SKU = 'SDD-A';
const DRAIN_MS = 1_000;
const DRAIN_LOG = 'shutdown drain bound reached: in-flight activities are cancelled and left to Temporal, which retries them on a running worker';

let wdt: WdtSandbox;
const wdtUrlOf = (w: WdtSandbox) => String(w.connectorConfig('enterprise')['baseUrl']);
let dataDir = '';
let traps: ReturnType<typeof trapUnhandled> | null = null;

const lifecycle = (wdtUrl: string) => ({
  lifecycle: { enabled: true, warehouse: WH, wms: 'wdt', mappings: { wms: 'wangdiantong/trade-push.v1' } },
  rules: { interception: { risk: false } },
  // The connector's deadline is far past the drain: the push is still open when the drain ends.
  connectors: [{ id: 'wdt', adapter: 'wangdiantong', config: { edition: 'enterprise', baseUrl: wdtUrl, sid: 'zs', appkey: 'zs-key', appsecret: '${WDT_SECRET}', shopNo: 'ZS-SHOP', timeoutMs: 20_000 } }],
  shutdown: { drainMs: DRAIN_MS },
});
const order = (id: string) => sampleOrder(id, (o) => o.replaceAll(/"sku": "IPOD2008(PINK|BLUE)"/g, `"sku": "${SKU}"`));
/** Pushes that reached the WMS, answered or still held. */
const pushes = () => wdt.server.arrivals.filter((r) => r.path.endsWith('/trade_push.php')).length;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-shutdown-downstream-'));
  wdt = await wdtSandbox.start({ sid: 'zs', appkey: 'zs-key', appsecret: 'wdt-secret', edition: 'enterprise', shopNo: 'ZS-SHOP' });
  // The WMS hangs: each answer comes 30 s late, far past the drain.
  wdt.server.setFaults({ latencyMs: 30_000 });
});
afterEach(() => traps?.dispose());
afterAll(async () => {
  await wdt?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('stopping the hub while the WMS hangs', () => {
  it('embedded: drains for shutdown.drainMs, leaves the open push to Temporal, stops cleanly', async () => {
    const log = capturingLogger();
    const hub = await startTestHub({ env: { WDT_SECRET: 'wdt-secret' }, config: lifecycle(wdtUrlOf(wdt)), logger: log.logger });
    await new InventoryPool(hub.redis, hub.prefix).setOnHand(WH, SKU, 100);
    traps = trapUnhandled();
    const before = pushes();
    expect((await hub.app.request('/webhooks/shopify', shopifyRequest(order(newOrderId()), {}))).status).toBe(200);
    await expect.poll(pushes, { timeout: 60_000, interval: 100 }).toBeGreaterThan(before);
    await hub.stop();
    expect(traps.errors).toEqual([]);
    expect(log.messages()).toContain(DRAIN_LOG);
    expect(log.messages()).toContain('hub stopped');
  });

  it('the CLI on SIGTERM: drains for shutdown.drainMs, says so, exits 0', async () => {
    const hubPort = await freePort();
    const prefix = `cli${hubPort}:`;
    const redis = new Redis(inject('redisUrl'));
    await new InventoryPool(redis, prefix).setOnHand(WH, SKU, 100);
    redis.disconnect();
    const cli = await startCliHub({
      configFile: path.join(dataDir, 'hub.yaml'),
      port: hubPort,
      env: { TEMPORAL_ADDRESS: '', REDIS_URL: '', TEST_SHOPIFY_SECRET: TEST_SECRET, ADMIN_KEY, WDT_SECRET: 'wdt-secret' },
      config: JSON.stringify({
        server: { host: '127.0.0.1', port: hubPort },
        temporal: { address: inject('temporalAddress'), taskQueue: `tq-shutdown-wms-${hubPort}` },
        redis: { url: inject('redisUrl'), keyPrefix: prefix },
        auth: { apiKeys: [{ name: 'admin', key: '${ADMIN_KEY}', roles: ['operations_lead'] }] },
        channels: [{ id: 'shopify-test', adapter: 'shopify', shop: SHOP, secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' }],
        log: { level: 'info' },
        ...lifecycle(wdtUrlOf(wdt)),
      }),
    });
    const before = pushes();
    expect((await fetch(`${cli.url}/webhooks/shopify`, shopifyRequest(order(newOrderId()), {}))).status).toBe(200);
    await expect.poll(pushes, { timeout: 60_000, interval: 100 }).toBeGreaterThan(before);
    const code = await cli.terminate();
    expect(cli.output()).not.toMatch(/Uncaught|Unhandled/i);
    expect(cli.output()).toContain(DRAIN_LOG);
    expect(cli.output()).toContain('hub stopped');
    expect(code, cli.output().slice(-3000)).toBe(0);
  });
});
