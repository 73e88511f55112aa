import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { testDeps } from '../_shared/platform-testing.js';
import { startWebhookReceiver, type WebhookReceiver } from '../_shared/webhook-receiver.test-helper.js';
import wechat, { wechatChannelsConfig } from './index.js';
import { sandbox, type WeChatSandbox } from './sandbox.js';

const AES = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
let sb: WeChatSandbox;
let receiver: WebhookReceiver;
beforeAll(async () => {
  // The receiver verifies with the real adapter, configured from the sandbox's own connector config.
  receiver = await startWebhookReceiver(async () => wechat.create(wechatChannelsConfig.parse(sb.connectorConfig()), testDeps()), 'success');
  sb = await sandbox.start({ encodingAesKey: AES, push: { hubUrl: receiver.url } });
  sb.placeOrder({ id: '3705115058471209301', lines: [{ sku: 'A', qty: 1, price: 100 }] });
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});

describe('wechat-channels sandbox', () => {
  it('pushes safe-mode order events the adapter verifies, decrypts and reads', async () => {
    const r = await sb.pushOrder('3705115058471209301', { event: 'channels_ec_order_pay', createTime: 1794326400 });
    expect(r.status).toBe(200);
    const got = receiver.received.at(-1);
    expect(got?.path).toMatch(/^\/webhooks\/wechat-channels\/wechat-channels\?.*msg_signature=/);
    expect(got?.events.map((e) => [e.messageId, e.topic, e.orderId])).toEqual([['channels_ec_order_pay:3705115058471209301:1794326400', 'order.paid', '3705115058471209301']]);
  });
  it('refuses API calls without a valid token, and answers the fault switches in its own words', async () => {
    const call = (path: string, body: unknown, q = '') => fetch(`${sb.server.url}${path}${q}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    expect(await call('/channels/ec/order/get', { order_id: '3705115058471209301' }, '?access_token=nope')).toMatchObject({ errcode: 40001 });
    expect(await call('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: 'wxsandbox0000001', secret: 'wrong' })).toMatchObject({ errcode: 40125 });
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect(await call('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: 'wxsandbox0000001', secret: 'sandbox-wechat-secret' })).toMatchObject({ errcode: 40125 });
    const t = (await call('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: 'wxsandbox0000001', secret: 'sandbox-wechat-secret' })) as { access_token: string };
    expect(await call('/channels/ec/order/get', { order_id: '3705115058471209301' }, `?access_token=${t.access_token}`)).toMatchObject({ errcode: 0, order: { status: 20 } });
  });
  it('names the field of a bad placeOrder', () => {
    expect(() => sb.placeOrder({ id: 'x', lines: [] })).toThrow(/id: .*digits/);
  });
});
