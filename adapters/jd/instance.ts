import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { JdConfig } from './index.js';
import { pullOrders } from './operations/order-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, JdTransport } from './transport.js';

export function createJdInstance(config: JdConfig, deps: AdapterDeps): AdapterInstance {
  const transport = new JdTransport({ appKey: config.appKey, appSecret: config.appSecret, accessToken: config.accessToken, baseUrl: config.baseUrl, timeoutMs: config.timeoutMs, fetch: deps.fetch, now: deps.now });
  return {
    async testConnection() {
      return { ok: true, detail: 'credentials are checked on the first call' };
    },
    async invoke(capability, input, ctx) {
      switch (capability) {
        case CAPABILITY.ORDER_PULL:
          return pullOrders({ transport, pageSize: config.pageSize, orderStates: config.orderStates }, input, ctx);
        case CAPABILITY.SHIPMENT_CONFIRM:
          return confirmShipment(transport, input, ctx);
        default:
          throw AdapterError.rejected(ADAPTER_ID, 'unsupported-capability', `capability ${capability} is not implemented`);
      }
    },
    async close() {},
  };
}
