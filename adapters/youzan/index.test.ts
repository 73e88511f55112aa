import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import youzan, { youzanConfig } from './index.js';

describe('youzan definition', () => {
  it('marks the secret and builds an instance that verifies pushes', async () => {
    expect([...secretPaths(youzanConfig)]).toEqual(['clientSecret']);
    const inst = await youzan.create(youzanConfig.parse({ clientId: 'c', clientSecret: 's' }), testDeps());
    expect(inst.verifyWebhook?.({ headers: {}, rawBody: new TextEncoder().encode('{}') })).toEqual({ ok: false, reason: 'malformed_body' });
    await expect(inst.invoke('order.pull', {}, testContext())).rejects.toMatchObject({ code: 'unsupported_capability', retryable: false });
  });
});
