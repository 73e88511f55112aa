import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import pinduoduo, { pinduoduoConfig } from './index.js';

describe('pinduoduo definition', () => {
  it('marks the secrets, caps the window at 30 minutes, refuses unknown capabilities', async () => {
    expect([...secretPaths(pinduoduoConfig)].sort()).toEqual(['accessToken', 'clientSecret']);
    expect(pinduoduoConfig.safeParse({ clientId: 'c', clientSecret: 's', accessToken: 't', polling: { windowMinutes: 31 } }).success).toBe(false);
    const inst = await pinduoduo.create(pinduoduoConfig.parse({ clientId: 'c', clientSecret: 's', accessToken: 't' }), testDeps());
    await expect(inst.invoke('order.webhook', {}, testContext())).rejects.toMatchObject({ code: 'unsupported_capability' });
  });
});
