import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logger.js';
import { MappingEngine } from '../mapping/engine.js';
import { MappingOverloadError } from '../mapping/pool.js';
import { defineAdapter } from '../sdk/define.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { FAILURE_TYPE } from '../sdk/failure-types.js';
import { createInvokeAdapter, type InvokeAdapterInput } from './invoke-adapter.js';

const logger = createLogger({ level: 'silent' });
const Courier = defineAdapter({
  manifest: { id: 'courier', contractVersion: 1, version: '0.0.1', status: 'experimental', kind: 'courier', displayName: 'Courier', summary: 'Answers every call (tests only).', capabilities: ['waybill.create'] },
  configSchema: z.object({}).strict(),
  create: () => ({ testConnection: async () => ({ ok: true }), close: async () => {}, invoke: async () => ({ waybillNo: 'SF1', orderId: 'o1' }) }),
});

/** A mapping engine whose evaluation fails the way the caller says. */
class FailingEngine extends MappingEngine {
  constructor(private readonly err: Error) {
    super({ dir: '.' });
  }
  override async evaluate(): Promise<unknown> {
    throw this.err;
  }
}

async function invokeWith(err: Error): Promise<ApplicationFailure> {
  const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, {});
  registry.register(Courier);
  registry.configure([{ id: 'sf', adapter: 'courier', config: {} }]);
  const invoke = createInvokeAdapter({ registry, mappings: new FailingEngine(err), logger });
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const req: InvokeAdapterInput = { connector: 'sf', capability: 'waybill.create', idempotencyKey: 'wf-1:waybill-1', input: {}, mapping: { id: 'sf-express/waybill.v1' } };
  try {
    await new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(invoke, req);
  } catch (e) {
    if (e instanceof ApplicationFailure) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('invokeAdapter: an outbound mapping that could not run', () => {
  // The simulated 2,000-order day saw a full mapping lane turn into "SF refused the waybill" and
  // put orders on a waybill_refused hold for a person, though nothing had been sent to SF.
  it('a full mapping pool is an outage to wait out (retryable, with a delay), not a refusal', async () => {
    const err = await invokeWith(new MappingOverloadError('default', 64));
    expect(err.nonRetryable).toBe(false);
    expect(err.type).toBe(FAILURE_TYPE.ADAPTER_UNAVAILABLE);
    expect(err.message).toContain('sf-express/waybill.v1');
  });
  it('a mapping that fails on the data stays a non-retryable MappingFailed', async () => {
    const err = await invokeWith(new Error('E_FIELD: receiver.mobile missing'));
    expect(err.nonRetryable).toBe(true);
    expect(err.type).toBe(FAILURE_TYPE.MAPPING_FAILED);
  });
});
