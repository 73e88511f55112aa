import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { dispatch, probe } from '../_shared/dispatch.js';
import { KUAISHOU_PUSH_REPLY } from './constants.js';
import type { KuaishouConfig } from './index.js';
import { pushInventory } from './operations/inventory-push.js';
import { getOrder } from './operations/order-get.js';
import { pullOrders } from './operations/order-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, HTTP_METHOD, KuaishouTransport } from './transport.js';
import { parseKuaishouPush, verifyKuaishouPush } from './webhook.js';

export function createKuaishouInstance(config: KuaishouConfig, deps: AdapterDeps): AdapterInstance {
  const transport = new KuaishouTransport({ appKey: config.appKey, signSecret: config.signSecret, accessToken: config.accessToken, baseUrl: config.baseUrl, timeoutMs: config.timeoutMs, fetch: deps.fetch, now: deps.now });
  const messageKey = config.messageKey;
  return {
    // One order-list page of the last minute proves the app key, the signature and the token.
    testConnection: () =>
      probe(() => {
        const end = deps.now().getTime();
        return transport.call('open.order.cursor.list', { orderViewStatus: 1, queryType: 2, sort: 1, pageSize: 1, beginTime: end - 60_000, endTime: end, cursor: '' }, HTTP_METHOD.GET, AbortSignal.timeout(config.timeoutMs));
      }),
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.ORDER_PULL]: (input, ctx) => pullOrders({ transport, pageSize: config.pageSize }, input, ctx),
      [CAPABILITY.ORDER_GET]: (input, ctx) => getOrder(transport, input, ctx),
      [CAPABILITY.SHIPMENT_CONFIRM]: (input, ctx) => confirmShipment(transport, input, ctx),
      [CAPABILITY.INVENTORY_PUSH]: (input, ctx) => pushInventory(transport, config.listings, input, ctx),
    }),
    verifyWebhook: (req) => (messageKey ? verifyKuaishouPush(req, { appKey: config.appKey, messageKey }) : { ok: false, reason: 'no_message_key' }),
    parseWebhook: (req) => {
      if (!messageKey) throw new Error('messageKey: not configured, so pushes cannot be read');
      return parseKuaishouPush(req, messageKey);
    },
    webhookReply: { contentType: 'application/json', body: KUAISHOU_PUSH_REPLY },
    async close() {},
  };
}
