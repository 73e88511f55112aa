import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { AdapterError } from '../../src/sdk/errors.js';
import kdniao, { kdniaoConfig } from './index.js';

describe('kdniao definition', () => {
  it('declares tracking.query and tracking.subscribe, with a secret AppKey', () => {
    expect(kdniao.manifest).toMatchObject({ id: 'kdniao', kind: 'courier', capabilities: ['tracking.query', 'tracking.subscribe'] });
    expect([...secretPaths(kdniaoConfig)]).toEqual(['appKey']);
    expect(kdniaoConfig.parse({ eBusinessId: '1', appKey: 'k' }).requestType).toBe('1002');
    expect(kdniaoConfig.safeParse({ eBusinessId: '1', appKey: 'k', requestType: '1003' }).success).toBe(false);
  });
  it('refuses other capabilities', async () => {
    const logger = createLogger({ level: 'silent' });
    const inst = await kdniao.create(kdniaoConfig.parse({ eBusinessId: '1', appKey: 'k' }), { logger, fetch: (...a) => globalThis.fetch(...a), mappings: null, now: () => new Date() });
    const err: unknown = await inst.invoke('waybill.create', {}, { signal: new AbortController().signal, idempotencyKey: 'k', logger, heartbeat() {} }).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['unsupported_capability', false]);
  });
});
