import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import kuaishou, { kuaishouConfig } from './index.js';
import { encryptKuaishou } from './webhook.js';

const KEY = Buffer.from('ks-sandbox-key16').toString('base64');

describe('kuaishou definition', () => {
  it('marks the secrets and describes every field', () => {
    expect([...secretPaths(kuaishouConfig)].sort()).toEqual(['accessToken', 'messageKey', 'signSecret']);
    const props = Object.entries((kuaishouConfig.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { description?: string }> }).properties);
    expect(props.filter(([, v]) => !v.description).map(([k]) => k)).toEqual([]);
  });
  it('offers pushes only with a message key', () => {
    const base = { appKey: 'ks1', signSecret: 's', accessToken: 't' };
    expect(kuaishou.offers?.(kuaishouConfig.parse(base))).not.toContain('order.webhook');
    expect(kuaishou.offers?.(kuaishouConfig.parse({ ...base, messageKey: KEY }))).toContain('order.webhook');
  });
  it('the instance verifies and parses pushes, answers {"result":1}, refuses pushes without a key and unknown capabilities', async () => {
    const inst = await kuaishou.create(kuaishouConfig.parse({ appKey: 'ks1', signSecret: 's', accessToken: 't', messageKey: KEY }), testDeps());
    const rawBody = new TextEncoder().encode(encryptKuaishou('{"eventId":"e1","bizId":7,"appKey":"ks1","event":"kwaishop_order_addOrder","info":"{}"}', KEY));
    expect(inst.verifyWebhook?.({ headers: {}, rawBody })).toEqual({ ok: true });
    expect(inst.parseWebhook?.({ headers: {}, rawBody }).map((e) => [e.messageId, e.orderId])).toEqual([['e1', '7']]);
    expect(inst.webhookReply).toEqual({ contentType: 'application/json', body: '{"result":1}' });
    const keyless = await kuaishou.create(kuaishouConfig.parse({ appKey: 'ks1', signSecret: 's', accessToken: 't' }), testDeps());
    expect(keyless.verifyWebhook?.({ headers: {}, rawBody })).toEqual({ ok: false, reason: 'no_message_key' });
    await expect(inst.invoke('waybill.create', {}, testContext())).rejects.toMatchObject({ code: 'unsupported_capability' });
  });
});
