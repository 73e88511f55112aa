import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { dispatch, probe } from './dispatch.js';
import { testContext } from './platform-testing.js';

describe('dispatch', () => {
  it('routes a capability to its operation and rejects the others, naming them', async () => {
    const invoke = dispatch('demo', { 'order.pull': async (input) => ({ got: input }) });
    expect(await invoke('order.pull', 1, testContext())).toEqual({ got: 1 });
    const err = await invoke('waybill.create', {}, testContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ retryable: false, code: 'unsupported_capability', message: 'demo: capability waybill.create is not implemented' });
  });
  it('probe reports ok or the failure', async () => {
    expect(await probe(async () => 'x')).toEqual({ ok: true });
    expect(await probe(async () => Promise.reject(new Error('bad key')))).toEqual({ ok: false, detail: 'bad key' });
  });
});
