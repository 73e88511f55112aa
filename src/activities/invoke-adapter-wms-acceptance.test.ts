import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logger.js';
import { MappingEngine } from '../mapping/engine.js';
import { AdapterError } from '../sdk/errors.js';
import { defineAdapter } from '../sdk/define.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { CAPABILITY, type Capability } from '../sdk/capabilities.js';
import { createInvokeAdapter } from './invoke-adapter.js';

const logger = createLogger({ level: 'silent' });
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** A WMS whose every call is written down in `events`, failing when told to. */
function setUp(fail: boolean) {
  const events: string[] = [];
  const Wms = defineAdapter({
    manifest: { id: 'wms', contractVersion: 1, version: '0.0.1', status: 'experimental', kind: 'wms', displayName: 'WMS', summary: 'Records calls (tests only).', capabilities: ['wms.order.push', 'wms.order.intercept'] },
    configSchema: z.object({}).strict(),
    create: () => ({
      testConnection: async () => ({ ok: true }),
      close: async () => {},
      invoke: async (capability: string) => {
        events.push(`wms ${capability}`);
        if (fail) throw AdapterError.retryable('wms', 'down', 'gateway timeout');
        return { ok: true };
      },
    }),
  });
  const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, {});
  registry.register(Wms);
  registry.configure([{ id: 'wh', adapter: 'wms', config: {} }]);
  const invoke = createInvokeAdapter({
    registry,
    mappings: new MappingEngine({ dir: '.' }),
    logger,
    wmsAcceptance: {
      pushing: async (wf) => {
        events.push(`pushing ${wf}`);
      },
      accepted: async (wf) => {
        events.push(`accepted ${wf}`);
      },
    },
  });
  const run = (capability: Capability) => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(invoke, { connector: 'wh', capability, idempotencyKey: 'wf-1:wms-1', input: {} });
  return { events, run };
}

describe('invokeAdapter: when the WMS had accepted a push (the stock hand-over reads it)', () => {
  it('clears the time before the push is sent and records it only once the WMS answered', async () => {
    const { events, run } = setUp(false);
    await run(CAPABILITY.WMS_ORDER_PUSH);
    expect(events).toEqual(['pushing test', 'wms wms.order.push', 'accepted test']);
  });

  it('a failed push leaves no time behind: the hand-over never uses an earlier push', async () => {
    const { events, run } = setUp(true);
    await expect(run(CAPABILITY.WMS_ORDER_PUSH)).rejects.toThrow(/gateway timeout/);
    expect(events).toEqual(['pushing test', 'wms wms.order.push']);
  });

  it('other WMS calls do not touch it', async () => {
    const { events, run } = setUp(false);
    await run(CAPABILITY.WMS_ORDER_INTERCEPT);
    expect(events).toEqual(['wms wms.order.intercept']);
  });
});
