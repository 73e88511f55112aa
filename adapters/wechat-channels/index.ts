import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { listingsTable } from '../_shared/inventory-push.js';
import { ADAPTER_ID, WeChatListing } from './constants.js';
import { wechatPollingConfig } from './polling.js';

export const wechatChannelsConfig = z
  .object({
    appId: z.string().min(1).describe("The shop's AppID (微信小店 / 视频号小店): sent with every token request and checked against every decrypted push"),
    appSecret: secret('The shop AppSecret: exchanged for the access_token (never sent to other endpoints)'),
    pushToken: secret('The Token set in the message push settings: signs every push (SHA1 over token, timestamp, nonce)'),
    encodingAesKey: secret('The EncodingAESKey of the message push settings (43 characters): safe mode, pushes are decrypted with it and plaintext pushes refused').optional(),
    baseUrl: z.url().default('https://api.weixin.qq.com').describe('API origin (the sandbox, or an egress proxy)'),
    pageSize: z.number().int().min(1).max(100).default(100).describe('Order ids per order/list/get page (WeChat allows at most 100)'),
    timeoutMs: timeoutMs(30_000),
    polling: wechatPollingConfig,
    listings: listingsTable(WeChatListing),
  })
  .strict();
export type WeChatChannelsConfig = z.output<typeof wechatChannelsConfig>;

export default defineAdapter({
  manifest: {
    id: ADAPTER_ID,
    contractVersion: 1,
    version: '0.1.0',
    status: 'experimental',
    kind: 'platform',
    displayName: 'WeChat Channels shop (微信小店 / 视频号小店)',
    summary:
      'Message push (JSON) verified by SHA1 signature over the push token, timestamp and nonce (safe mode: msg_signature over the Encrypt field, AES-256-CBC decrypted and the appid checked), URL check answered with echostr, reply "success"; order events carry only the order id, so order.get (/channels/ec/order/get) completes them; order.pull by update-time window (order/list/get with next_key); shipment.confirm with order/delivery/send (UNVERIFIED package fields); inventory.push sets absolute stock per listed SKU with product/stock/update (diff_type UNVERIFIED); access_token from /cgi-bin/stable_token, refreshed once when WeChat says it expired.',
    capabilities: ['order.pull', 'order.get', 'order.webhook', 'shipment.confirm', 'inventory.push'],
    mappings: { inbound: ['wechat-channels/order.v1'] },
    docs: 'https://developers.weixin.qq.com/doc/store/shop/',
  },
  configSchema: wechatChannelsConfig,
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createWeChatChannelsInstance } = await import('./instance.js');
    return createWeChatChannelsInstance(config, deps);
  },
});
