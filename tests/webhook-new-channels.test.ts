import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signErpBody } from '../adapters/legacy-erp/signature.js';
import { encryptKuaishou } from '../adapters/kuaishou/webhook.js';
import { sandbox as kuaishouSandbox, type KuaishouSandbox } from '../adapters/kuaishou/sandbox.js';
import { encryptWeChat, wechatSignature } from '../adapters/wechat-channels/webhook.js';
import { sandbox as wechatSandbox, type WeChatSandbox } from '../adapters/wechat-channels/sandbox.js';
import type { Hub } from '../src/hub.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';

/**
 * The three channels added for issue 20 through the one generic route, on a real hub (Temporal,
 * Redis): WeChat (safe mode; the order fetched from its sandbox with order.get, "success" as the
 * answer, the GET URL check), Kuaishou (an encrypted bizId message, the order fetched, {"result":1})
 * and the own-store webhook (the whole order in the event). The sandboxes are the platforms.
 */
const AES = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const KS_KEY = Buffer.from('0123456789abcdef').toString('base64');
const OWN = { webhook: 'own-webhook-secret', callback: 'own-callback-secret' };
let wx: WeChatSandbox;
let ks: KuaishouSandbox;
let hub: Hub;

beforeAll(async () => {
  wx = await wechatSandbox.start({ encodingAesKey: AES });
  ks = await kuaishouSandbox.start({ messageKey: KS_KEY });
  const wxc = wx.connectorConfig();
  const ksc = ks.connectorConfig();
  hub = await startTestHub({
    env: { WX_SECRET: String(wxc['appSecret']), WX_TOKEN: String(wxc['pushToken']), WX_AES: AES, KS_SIGN: String(ksc['signSecret']), KS_TOKEN: String(ksc['accessToken']), KS_KEY, OWN_WH: OWN.webhook, OWN_CB: OWN.callback },
    config: {
      connectors: [
        { id: 'wx', adapter: 'wechat-channels', config: { appId: wxc['appId'], appSecret: '${WX_SECRET}', pushToken: '${WX_TOKEN}', encodingAesKey: '${WX_AES}', baseUrl: wx.server.url } },
        { id: 'ks', adapter: 'kuaishou', config: { appKey: ksc['appKey'], signSecret: '${KS_SIGN}', accessToken: '${KS_TOKEN}', messageKey: '${KS_KEY}', baseUrl: ks.server.url } },
        { id: 'own', adapter: 'own-store', config: { webhookSecret: '${OWN_WH}', callbackSecret: '${OWN_CB}' } },
      ],
      channels: [
        { id: 'wx-main', adapter: 'wechat-channels', shop: 'wx-shop', connector: 'wx', mapping: 'wechat-channels/order.v1', poll: { enabled: false } },
        { id: 'ks-main', adapter: 'kuaishou', shop: 'ks-shop', connector: 'ks', mapping: 'kuaishou/order.v1', poll: { enabled: false } },
        { id: 'mp-main', adapter: 'own-store', shop: 'mini-program', connector: 'own', mapping: 'own-store/order.v1', poll: { enabled: false } },
      ],
    },
  });
});
afterAll(async () => {
  await hub?.stop();
  await wx?.close();
  await ks?.close();
});

const stored = (key: string) => hub.app.request(`/api/orders/${key}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
const suffix = String(Date.now()).slice(-9);

describe('WeChat Channels through /webhooks/wechat-channels/:channel', () => {
  const orderId = `3705115${suffix}123`;
  const post = (message: string, tweak: (q: URLSearchParams) => void = () => undefined) => {
    const [timestamp, nonce] = [String(Math.floor(Date.now() / 1000)), String(Math.floor(Math.random() * 1e9))];
    const encrypt = encryptWeChat(message, String(wx.connectorConfig()['appId']), AES);
    const q = new URLSearchParams({ timestamp, nonce, encrypt_type: 'aes', msg_signature: wechatSignature([String(wx.connectorConfig()['pushToken']), timestamp, nonce, encrypt]) });
    tweak(q);
    return hub.app.request(`/webhooks/wechat-channels/wx-main?${q.toString()}`, { method: 'POST', body: JSON.stringify({ ToUserName: 'gh_x', Encrypt: encrypt }), headers: { 'content-type': 'application/json' } });
  };

  it('answers the URL check with echostr when signed, 401 otherwise', async () => {
    const [timestamp, nonce] = ['1794326405', '42'];
    const signature = wechatSignature([String(wx.connectorConfig()['pushToken']), timestamp, nonce]);
    const ok = await hub.app.request(`/webhooks/wechat-channels/wx-main?${new URLSearchParams({ timestamp, nonce, signature, echostr: 'echo-1' }).toString()}`);
    expect([ok.status, await ok.text()]).toEqual([200, 'echo-1']);
    const bad = await hub.app.request(`/webhooks/wechat-channels/wx-main?${new URLSearchParams({ timestamp, nonce, signature: signature.replace(/.$/, '0'), echostr: 'echo-1' }).toString()}`);
    expect(bad.status).toBe(401);
  });

  it('fetches the order a pay event names, starts it, and answers "success"', async () => {
    wx.placeOrder({ id: orderId, lines: [{ sku: 'CF-500', qty: 2, price: 3990 }], freight: 800, discount: 1100 });
    const res = await post(JSON.stringify({ ToUserName: 'gh_x', FromUserName: 'o1', CreateTime: 1794326400, MsgType: 'event', Event: 'channels_ec_order_pay', order_info: { order_id: orderId } }));
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'text/plain;charset=utf-8', 'success']);
    expect(await json(await stored(`wx-main:${orderId}`))).toMatchObject({ order: { source: { platform: 'wechat', platformOrderId: orderId }, totals: { paid: { minor: 7980 + 800 - 1100 } }, recipient: { name: { masked: '王*' } } } });
  });

  it('refuses a push whose signature does not cover the ciphertext', async () => {
    const res = await post('{"CreateTime":1,"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":1}}', (q) => q.set('nonce', '1'));
    expect(res.status).toBe(401);
  });
});

describe('Kuaishou through /webhooks/kuaishou/:channel', () => {
  const orderId = `20156${suffix}001`;
  const post = (body: string) => hub.app.request('/webhooks/kuaishou/ks-main', { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=utf-8' } });
  const message = (eventId: string, appKey = String(ks.connectorConfig()['appKey'])) => encryptKuaishou(JSON.stringify({ eventId, bizId: orderId, appKey, event: 'kwaishop_order_paySuccess', info: `{"oid":${orderId}}`, createTime: Date.now() }), KS_KEY);

  it('answers the heartbeat with {"result":1}', async () => {
    const res = await post('{"test":true}');
    expect([res.status, await res.text()]).toEqual([200, '{"result":1}']);
  });
  it('fetches the order a pay message names and starts it', async () => {
    ks.placeOrder({ id: orderId, lines: [{ sku: 'LZ-500', qty: 2, price: 2990 }], expressFee: 600, discountFee: 500 });
    const res = await post(message(`ev-${suffix}`));
    expect([res.status, await res.text()]).toEqual([200, '{"result":1}']);
    expect(await json(await stored(`ks-main:${orderId}`))).toMatchObject({ order: { source: { platform: 'kuaishou', platformOrderId: orderId }, totals: { paid: { minor: 6080 } }, recipient: { name: { ciphertext: '#KsSbxName01#', masked: '张**' } } } });
  });
  it('refuses a message of another app and one it cannot decrypt', async () => {
    expect((await post(message('ev-x', 'ks-other-app'))).status).toBe(401);
    expect((await post('bm90IGVuY3J5cHRlZA==')).status).toBe(401);
  });
});

describe('own store through /webhooks/own-store/:channel', () => {
  const orderNo = `MP${suffix}`;
  const event = (id: string, amounts = { goods: 1990, freight: 0, discount: 0, paid: 1990 }) =>
    JSON.stringify({ id, type: 'order.paid', order: { orderNo, status: 'paid', createdAt: '2026-11-11T10:00:00+08:00', amounts, lines: [{ lineId: '1', sku: 'A', title: 'a', quantity: 1, unitPrice: 1990 }], recipient: { name: '张三', phone: '13800138000' }, address: { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园1号' } } });
  const post = (body: string, secret = OWN.webhook, ts = String(Math.floor(Date.now() / 1000))) =>
    hub.app.request('/webhooks/own-store/mp-main', { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-zhongshu-timestamp': ts, 'x-zhongshu-signature': signErpBody(secret, ts, body) } });

  it('maps the order the event carries and starts it', async () => {
    const res = await post(event(`evt-${suffix}`));
    expect(res.status).toBe(200);
    expect(await json(await stored(`mp-main:${orderNo}`))).toMatchObject({ order: { source: { platform: 'own_store', platformOrderId: orderNo }, recipient: { phone: { plaintext: '13800138000' } } } });
  });
  it('refuses the callback secret, an hour-old timestamp, and quarantines totals that do not reconcile', async () => {
    expect((await post(event('evt-a'), OWN.callback)).status).toBe(401);
    expect((await post(event('evt-b'), OWN.webhook, String(Math.floor(Date.now() / 1000) - 3600))).status).toBe(401);
    const res = await post(event(`evt-c-${suffix}`, { goods: 1990, freight: 0, discount: 0, paid: 1000 }));
    expect(res.status).toBe(200);
    const q = (await json(await hub.app.request('/api/quarantine', { headers: { authorization: `Bearer ${ADMIN_KEY}` } }))) as { items?: { reason?: string }[] };
    expect(JSON.stringify(q)).toContain('goods + freight - discount is not paid');
  });
});
