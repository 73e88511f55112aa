import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import jd, { jdConfig } from './index.js';

describe('jd definition', () => {
  it('marks the secrets and refuses unknown capabilities', async () => {
    expect([...secretPaths(jdConfig)].sort()).toEqual(['accessToken', 'appSecret']);
    const inst = await jd.create(jdConfig.parse({ appKey: 'a', appSecret: 's', accessToken: 't' }), testDeps());
    await expect(inst.invoke('order.webhook', {}, testContext())).rejects.toMatchObject({ code: 'unsupported_capability' });
  });
});
