import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import douyin, { douyinConfig } from './index.js';
import { signDouyinPush } from './webhook.js';

describe('douyin definition', () => {
  it('marks the secrets', () => {
    expect([...secretPaths(douyinConfig)].sort()).toEqual(['accessToken', 'appSecret']);
  });
  it('the instance verifies and parses pushes and refuses unknown capabilities', async () => {
    const inst = await douyin.create(douyinConfig.parse({ appKey: 'k', appSecret: 's', accessToken: 't' }), testDeps());
    const rawBody = new TextEncoder().encode('[{"tag":"101","msg_id":"9","data":"{\\"p_id\\":1}"}]');
    expect(inst.verifyWebhook?.({ headers: { 'event-sign': signDouyinPush(rawBody, 'k', 's') }, rawBody })).toEqual({ ok: true });
    expect(inst.parseWebhook?.({ headers: {}, rawBody }).map((e) => e.messageId)).toEqual(['9']);
    await expect(inst.invoke('waybill.create', {}, testContext())).rejects.toMatchObject({ code: 'unsupported_capability' });
  });
});
