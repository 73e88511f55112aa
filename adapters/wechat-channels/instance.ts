import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { dispatch, probe } from '../_shared/dispatch.js';
import { WECHAT_PUSH_REPLY } from './constants.js';
import type { WeChatChannelsConfig } from './index.js';
import { pushInventory } from './operations/inventory-push.js';
import { getOrder } from './operations/order-get.js';
import { pullOrders } from './operations/order-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, WeChatTransport } from './transport.js';
import { answerWeChatChallenge, parseWeChatPush, verifyWeChatPush } from './webhook.js';

export function createWeChatChannelsInstance(config: WeChatChannelsConfig, deps: AdapterDeps): AdapterInstance {
  const transport = new WeChatTransport({ appId: config.appId, appSecret: config.appSecret, baseUrl: config.baseUrl, timeoutMs: config.timeoutMs, fetch: deps.fetch, now: deps.now });
  const auth = { token: config.pushToken, encodingAesKey: config.encodingAesKey, appId: config.appId };
  return {
    // An empty list query of the last minute proves the AppID, the secret and the order permission.
    testConnection: () =>
      probe(() => {
        const end = Math.floor(deps.now().getTime() / 1000);
        return transport.call('/channels/ec/order/list/get', { update_time_range: { start_time: end - 60, end_time: end }, page_size: 1 }, AbortSignal.timeout(config.timeoutMs));
      }),
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.ORDER_PULL]: (input, ctx) => pullOrders({ transport, pageSize: config.pageSize }, input, ctx),
      [CAPABILITY.ORDER_GET]: (input, ctx) => getOrder(transport, input, ctx),
      [CAPABILITY.SHIPMENT_CONFIRM]: (input, ctx) => confirmShipment(transport, input, ctx),
      [CAPABILITY.INVENTORY_PUSH]: (input, ctx) => pushInventory(transport, config.listings, input, ctx),
    }),
    verifyWebhook: (req) => verifyWeChatPush(req, auth),
    parseWebhook: (req) => parseWeChatPush(req, config.encodingAesKey),
    webhookReply: { contentType: 'text/plain', body: WECHAT_PUSH_REPLY },
    answerWebhookChallenge: (req) => answerWeChatChallenge(req, config.pushToken),
    async close() {},
  };
}
