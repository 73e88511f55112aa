import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import taobao, { taobaoConfig } from './index.js';

describe('taobao definition', () => {
  it('marks the secrets and fills defaults', () => {
    expect([...secretPaths(taobaoConfig)].sort()).toEqual(['appSecret', 'sessionKey']);
    const c = taobaoConfig.parse({ appKey: 'k', appSecret: 's', sessionKey: 'x' });
    expect(c.signMethod).toBe('hmac-sha256');
    expect(c.polling).toEqual({ windowMinutes: 30, overlapSeconds: 120 });
    expect(taobaoConfig.safeParse({ appKey: 'k', appSecret: 's', sessionKey: 'x', pageSize: 101 }).success).toBe(false);
  });
  it('creates lazily and refuses capabilities it does not have', async () => {
    const inst = await taobao.create(taobaoConfig.parse({ appKey: 'k', appSecret: 's', sessionKey: 'x' }), testDeps());
    await expect(inst.invoke('waybill.create', {}, testContext())).rejects.toMatchObject({ code: 'unsupported_capability', retryable: false });
    expect(taobao.manifest.mappings.inbound).toEqual(['taobao/order.v1']);
  });
});
