import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createInvokeAdapter, type InvokeAdapterInput } from '../activities/invoke-adapter.js';
import { createLogger } from '../logger.js';
import { MappingEngine } from '../mapping/engine.js';
import { defineAdapter } from '../sdk/define.js';
import { AdapterError } from '../sdk/errors.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { BREAKER_STATE, Breakers } from './breakers.js';

const logger = createLogger({ level: 'silent' });
interface Behaviour {
  mode: 'outage' | 'reject' | 'hang';
  calls: number;
  signals: AbortSignal[];
}
const behaviour: Behaviour = { mode: 'outage', calls: 0, signals: [] };

const Flaky = defineAdapter({
  manifest: { id: 'flaky', contractVersion: 1, version: '0.0.1', status: 'experimental', kind: 'courier', displayName: 'Flaky', summary: 'Fails on demand (tests only).', capabilities: ['waybill.create'] },
  configSchema: z.object({}).strict(),
  create: () => ({
    testConnection: async () => ({ ok: true }),
    close: async () => {},
    invoke: async (_capability, _input, ctx) => {
      behaviour.calls++;
      behaviour.signals.push(ctx.signal);
      if (behaviour.mode === 'reject') throw AdapterError.rejected('flaky', 'bad_address', 'address rejected');
      if (behaviour.mode === 'hang') return new Promise<never>(() => {});
      throw AdapterError.retryable('flaky', 'http_504', 'HTTP 504', { status: 504 });
    },
  }),
});

function build() {
  const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, {});
  registry.register(Flaky);
  registry.configure([{ id: 'sf', adapter: 'flaky', config: {} }]);
  const breakers = new Breakers({ config: { defaults: { volumeThreshold: 2, resetTimeout: 60_000, timeout: 200 } }, logger });
  const invoke = createInvokeAdapter({ registry, mappings: new MappingEngine({ dir: '.' }), logger, resilience: { breakers, lkg: null } });
  const req: InvokeAdapterInput = { connector: 'sf', capability: 'waybill.create', idempotencyKey: 'wf-1:waybill', input: {} };
  // A silent activity logger: the failures below are the point, not noise to print.
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  return { breakers, run: () => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(invoke, req) };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

let current: Breakers | null = null;
afterEach(() => {
  current?.shutdown();
  Object.assign(behaviour, { mode: 'outage', calls: 0, signals: [] });
});

describe('invokeAdapter with breakers', () => {
  it('turns an open circuit into a retryable failure whose next retry waits until half-open, without calling the adapter', async () => {
    const { breakers, run } = build();
    current = breakers;
    expect(await failure(run())).toMatchObject({ code: 'http_504' });
    expect(await failure(run())).toMatchObject({ code: 'http_504' });
    expect(breakers.state({ connector: 'sf', capability: 'waybill.create' })).toBe(BREAKER_STATE.OPEN);
    const err = await failure(run());
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'AdapterUnavailable', nonRetryable: false });
    const delay = err instanceof ApplicationFailure ? err.nextRetryDelay : undefined;
    expect(typeof delay === 'number' && delay > 50_000 && delay <= 60_000).toBe(true);
    expect(behaviour.calls).toBe(2);
  });

  it('still fails a business rejection at once, and rejections never open the circuit', async () => {
    const { breakers, run } = build();
    current = breakers;
    behaviour.mode = 'reject';
    for (let i = 0; i < 4; i++) expect(await failure(run())).toMatchObject({ type: 'AdapterRejected', nonRetryable: true });
    expect(breakers.state({ connector: 'sf', capability: 'waybill.create' })).toBe(BREAKER_STATE.CLOSED);
  });

  it('gives the adapter a signal that aborts at the deadline, so a hung call ends as a retryable timeout', async () => {
    const { breakers, run } = build();
    current = breakers;
    behaviour.mode = 'hang';
    expect(await failure(run())).toMatchObject({ code: 'timeout', retryable: true });
    expect(behaviour.signals[0]?.aborted).toBe(true);
  });
});
