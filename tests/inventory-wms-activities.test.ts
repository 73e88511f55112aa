import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../src/activities/index.js';
import { InventoryPool, STOCK_BASIS } from '../src/inventory/pool.js';
import { createLogger } from '../src/logger.js';
import { MappingEngine } from '../src/mapping/engine.js';
import { CAPABILITY } from '../src/sdk/capabilities.js';
import { defineAdapter } from '../src/sdk/define.js';
import { AdapterRegistry } from '../src/sdk/registry.js';
import { FakeWms, ORDERS, SKU, WH, later } from './support/stock-wms.js';

/**
 * The worker's stock activities around a WMS push, wired as the worker wires them, on the real
 * Redis: the push hands the order's hold over when the WMS answers, the workflow's own hand-over
 * step uses the time the push recorded, and the stock push never carries a negative figure.
 */
let redis: Redis;
beforeAll(async () => {
  redis = new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
});
afterAll(async () => {
  await redis.quit();
});

describe("the lifecycle's stock activities around a WMS push (worker wiring, real Redis)", () => {
  const logger = createLogger({ level: 'silent' });
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

  function worker() {
    const wms = new FakeWms();
    const Wms = defineAdapter({
      manifest: { id: 'fake-wms', contractVersion: 1, version: '0.0.1', status: 'experimental', kind: 'wms', displayName: 'Fake WMS', summary: 'Accepts every trade (tests only).', capabilities: ['wms.order.push'] },
      configSchema: z.object({}).strict(),
      create: () => ({
        testConnection: async () => ({ ok: true }),
        close: async () => {},
        invoke: async (_capability: string, input: unknown) => {
          wms.push(z.object({ tid: z.string() }).parse(input).tid);
          return { ok: true };
        },
      }),
    });
    const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, {});
    registry.register(Wms);
    registry.configure([{ id: 'wh', adapter: 'fake-wms', config: {} }]);
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const acts = createActivities({ redis, keyPrefix: prefix, logger, registry, mappings: new MappingEngine({ dir: '.' }) });
    const as = (workflowId: string) => new MockActivityEnvironment({ workflowExecution: { workflowId, runId: randomUUID() } }, { logger: quiet });
    return { wms, acts, as, pool: new InventoryPool(redis, prefix) };
  }

  it('a reading applied after the WMS accepted the pushes but before the workflows ran their hand-over step counts nothing twice', async () => {
    const { wms, acts, as, pool } = worker();
    await pool.setOnHand(WH, SKU, wms.read(STOCK_BASIS.UNPROMISED), Date.now() - 1_000, STOCK_BASIS.UNPROMISED);
    for (const o of ORDERS) {
      await as(o).run(acts.lockInventory, { holdKey: `${o}:lock-0`, warehouse: WH, lines: [{ lineId: 'l1', sku: SKU, qty: 1 }], expiresAt: null });
      expect((await pool.hold(WH, `${o}:lock-0`))?.state).toBe('locked');
    }
    for (const o of ORDERS) await as(o).run(acts.invokeAdapter, { connector: 'wh', capability: CAPABILITY.WMS_ORDER_PUSH, idempotencyKey: `${o}:wms-1`, input: { tid: o } });
    expect((await pool.get(WH, SKU)).available).toBe(0);
    // The stock sync reads the WMS (all three trades already count there) before any workflow got on.
    const asOf = await later();
    await pool.setOnHand(WH, SKU, wms.read(STOCK_BASIS.UNPROMISED), asOf, STOCK_BASIS.UNPROMISED);
    expect((await pool.get(WH, SKU)).available).toBe(0);
    for (const o of ORDERS) await as(o).run(acts.handOverInventory, { holdKey: `${o}:lock-0` });
    expect((await pool.get(WH, SKU)).available).toBe(0);
    for (const o of ORDERS) expect((await pool.hold(WH, `${o}:lock-0`))?.state).toBe('handed');
  });

  it("the workflow's hand-over step uses the time the push recorded when the push could not hand over (a hold locked before this worker)", async () => {
    const { wms, acts, as, pool } = worker();
    await pool.setOnHand(WH, SKU, wms.read(STOCK_BASIS.UNPROMISED), Date.now() - 1_000, STOCK_BASIS.UNPROMISED);
    // Locked without the worker's record of the workflow's hold: the push finds nothing to hand over.
    for (const o of ORDERS) expect((await pool.lock({ orderKey: `${o}:lock-0`, warehouse: WH, lines: [{ lineId: 'l1', sku: SKU, qty: 1 }] })).ok).toBe(true);
    for (const o of ORDERS) await as(o).run(acts.invokeAdapter, { connector: 'wh', capability: CAPABILITY.WMS_ORDER_PUSH, idempotencyKey: `${o}:wms-1`, input: { tid: o } });
    for (const o of ORDERS) expect((await pool.hold(WH, `${o}:lock-0`))?.state).toBe('locked');
    const asOf = await later();
    await pool.setOnHand(WH, SKU, wms.read(STOCK_BASIS.UNPROMISED), asOf, STOCK_BASIS.UNPROMISED);
    for (const o of ORDERS) await as(o).run(acts.handOverInventory, { holdKey: `${o}:lock-0` });
    expect((await pool.get(WH, SKU)).available).toBe(0);
  });

  it('pushes 0, never a negative figure, when the pool says fewer units are there than are locked', async () => {
    const { acts, pool } = worker();
    await pool.setOnHand(WH, SKU, 3);
    await pool.setOnHand(WH, 'OTHER', 4);
    for (const o of ORDERS) expect((await pool.lock({ orderKey: o, warehouse: WH, lines: [{ lineId: 'l1', sku: SKU, qty: 1 }] })).ok).toBe(true);
    // The WMS counted two units fewer: an oversell already made, which the pool keeps visible.
    await pool.setOnHand(WH, SKU, 1, Date.now());
    expect((await pool.get(WH, SKU)).available).toBe(-2);
    expect(await acts.stockSnapshot({ warehouse: WH, skus: [] })).toEqual([
      { sku: SKU, available: 0 },
      { sku: 'OTHER', available: 4 },
    ]);
    expect(await acts.stockSnapshot({ warehouse: WH, skus: [SKU] })).toEqual([{ sku: SKU, available: 0 }]);
  });
});
