import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { DouyinConfig } from './index.js';
import { pullOrders } from './operations/order-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, DouyinTransport } from './transport.js';
import { parseDouyinPush, verifyDouyinPush } from './webhook.js';

export function createDouyinInstance(config: DouyinConfig, deps: AdapterDeps): AdapterInstance {
  const transport = new DouyinTransport({
    appKey: config.appKey,
    appSecret: config.appSecret,
    accessToken: config.accessToken,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    fetch: deps.fetch,
    now: deps.now,
  });
  return {
    async testConnection() {
      return { ok: true, detail: 'credentials are checked on the first call; push messages are verified with the app secret' };
    },
    async invoke(capability, input, ctx) {
      switch (capability) {
        case CAPABILITY.ORDER_PULL:
          return pullOrders({ transport, pageSize: config.pageSize }, input, ctx);
        case CAPABILITY.SHIPMENT_CONFIRM:
          return confirmShipment(transport, input, ctx);
        default:
          throw AdapterError.rejected(ADAPTER_ID, 'unsupported-capability', `capability ${capability} is not implemented`);
      }
    },
    verifyWebhook(req) {
      return verifyDouyinPush(req.rawBody, req.headers, config.appKey, config.appSecret);
    },
    parseWebhook(req) {
      return parseDouyinPush(req.rawBody);
    },
    async close() {},
  };
}
