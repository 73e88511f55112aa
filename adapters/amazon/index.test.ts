import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import amazon, { amazonConfig } from './index.js';

describe('amazon definition', () => {
  it('marks the nested LWA secrets, documents the rate limit, refuses unknown capabilities', async () => {
    expect([...secretPaths(amazonConfig)].sort()).toEqual(['lwa.clientSecret', 'lwa.refreshToken']);
    expect(amazon.manifest.summary).toContain('0.0167 rps');
    const inst = await amazon.create(amazonConfig.parse({ marketplaceIds: ['ATVPDKIKX0DER'], lwa: { clientId: 'c', clientSecret: 's', refreshToken: 'r' } }), testDeps());
    await expect(inst.invoke('order.webhook', {}, testContext())).rejects.toMatchObject({ code: 'unsupported_capability' });
  });
});
