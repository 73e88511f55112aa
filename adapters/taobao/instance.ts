import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { errorMessage } from '../../src/util/errors.js';
import type { TaobaoConfig } from './index.js';
import { pullOrders } from './operations/order-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, TopTransport } from './transport.js';

export function createTaobaoInstance(config: TaobaoConfig, deps: AdapterDeps): AdapterInstance {
  const transport = new TopTransport({
    appKey: config.appKey,
    appSecret: config.appSecret,
    session: config.sessionKey,
    signMethod: config.signMethod,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    fetch: deps.fetch,
    now: deps.now,
  });
  return {
    async testConnection() {
      // taobao.time.get needs no shop data: it proves the app key, secret and signing work.
      try {
        await transport.call('taobao.time.get', {}, AbortSignal.timeout(config.timeoutMs));
        return { ok: true };
      } catch (err) {
        return { ok: false, detail: errorMessage(err) };
      }
    },
    async invoke(capability, input, ctx) {
      switch (capability) {
        case CAPABILITY.ORDER_PULL:
          return pullOrders({ transport, pageSize: config.pageSize, tradeTypes: config.tradeTypes }, input, ctx);
        case CAPABILITY.SHIPMENT_CONFIRM:
          return confirmShipment(transport, input, ctx);
        default:
          throw AdapterError.rejected(ADAPTER_ID, 'unsupported-capability', `capability ${capability} is not implemented`);
      }
    },
    async close() {},
  };
}
