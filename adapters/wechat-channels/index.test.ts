import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import wechat, { wechatChannelsConfig } from './index.js';
import { wechatSignature } from './webhook.js';

describe('wechat-channels definition', () => {
  it('marks the secrets and describes every field', () => {
    expect([...secretPaths(wechatChannelsConfig)].sort()).toEqual(['appSecret', 'encodingAesKey', 'pushToken']);
    const props = (z: unknown) => Object.entries((z as { properties: Record<string, { description?: string }> }).properties);
    const undocumented = props(wechatChannelsConfig.toJSONSchema({ io: 'input', unrepresentable: 'any' })).filter(([, v]) => !v.description).map(([k]) => k);
    expect(undocumented).toEqual([]);
  });
  it('refuses a config without the push token, naming it', () => {
    const r = wechatChannelsConfig.safeParse({ appId: 'wx1', appSecret: 's' });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['pushToken']);
  });
  it('the instance verifies and parses pushes, answers "success", and refuses unknown capabilities', async () => {
    const inst = await wechat.create(wechatChannelsConfig.parse({ appId: 'wx1', appSecret: 's', pushToken: 'tk' }), testDeps());
    const rawBody = new TextEncoder().encode('{"CreateTime":1,"MsgType":"event","Event":"channels_ec_order_cancel","order_info":{"order_id":42}}');
    const query = { timestamp: '1', nonce: '2', signature: wechatSignature(['tk', '1', '2']) };
    expect(inst.verifyWebhook?.({ headers: {}, rawBody, query }).ok).toBe(true);
    expect(inst.parseWebhook?.({ headers: {}, rawBody, query }).map((e) => [e.topic, e.orderId])).toEqual([['order.cancelled', '42']]);
    expect(inst.webhookReply).toEqual({ contentType: 'text/plain', body: 'success' });
    await expect(inst.invoke('waybill.create', {}, testContext())).rejects.toMatchObject({ code: 'unsupported_capability' });
  });
});
