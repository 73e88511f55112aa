import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createInvokeAdapter, type InvokeAdapterInput, type ReadResult } from '../src/activities/invoke-adapter.js';
import { createLogger } from '../src/logger.js';
import { MappingEngine } from '../src/mapping/engine.js';
import { Breakers, LastKnownGood } from '../src/resilience/index.js';
import { AdapterRegistry } from '../src/sdk/registry.js';
import { FaultAdapter } from './support/fault-adapter.js';
import { FAULT, startFaultServer, type FaultServer } from './support/fault-server.js';

/**
 * invokeAdapter with the hub's layers, against the fault server and real Redis: how a stale answer
 * looks to a workflow, and that a caller who did not ask for one never gets it.
 */
const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let redis: Redis;
let server: FaultServer;

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'));
  server = await startFaultServer();
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

function build() {
  const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, {});
  registry.register(FaultAdapter);
  const connector = `wms-${randomUUID().slice(0, 8)}`;
  registry.configure([{ id: connector, adapter: FaultAdapter.manifest.id, config: { baseUrl: server.url } }]);
  const breakers = new Breakers({ config: { defaults: { volumeThreshold: 100, timeout: 2_000 } }, logger });
  const lkg = new LastKnownGood({ redis, logger, keyPrefix: `inv${randomUUID().slice(0, 6)}:` });
  const invoke = createInvokeAdapter({ registry, mappings: new MappingEngine({ dir: '.' }), logger, resilience: { breakers, lkg } });
  const run = (overrides: Partial<InvokeAdapterInput>) => {
    const req: InvokeAdapterInput = { connector, capability: 'stock.query', idempotencyKey: 'k', input: { sku: 'A' }, ...overrides };
    return new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(invoke, req);
  };
  return { run, breakers };
}

describe('invokeAdapter reads with last-known-good', () => {
  it('answers a caller that allows stale data with {value, stale, ageMs, fetchedAt}; others get the outage', async () => {
    const { run, breakers } = build();
    const fresh = (await run({ allowStale: true })) as ReadResult;
    expect(fresh).toMatchObject({ stale: false, ageMs: 0, value: { path: '/stock' } });
    // Without allowStale a read answers its bare value, and still refreshes the entry.
    const bare = await run({});
    expect(bare).toMatchObject({ path: '/stock' });
    expect(bare).not.toEqual(fresh.value);

    server.setMode(FAULT.STATUS_504);
    const stale = (await run({ allowStale: true })) as ReadResult;
    expect(stale).toMatchObject({ stale: true, value: bare });
    expect(stale.ageMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(stale.fetchedAt)).toBeLessThanOrEqual(Date.now());
    // Not asked for: never silently stale, the outage surfaces (retryably).
    await expect(run({})).rejects.toMatchObject({ code: 'http_504', retryable: true });
    // A write never falls back, whatever the caller says.
    await expect(run({ capability: 'waybill.create', allowStale: true })).rejects.toMatchObject({ code: 'http_504' });
    server.setMode(FAULT.OK);
    breakers.shutdown();
  });
});
