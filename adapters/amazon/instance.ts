import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { errorMessage } from '../../src/util/errors.js';
import type { AmazonConfig } from './index.js';
import { pullOrders } from './operations/order-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, SpApiTransport } from './transport.js';

export function createAmazonInstance(config: AmazonConfig, deps: AdapterDeps): AdapterInstance {
  const transport = new SpApiTransport({
    endpoint: config.endpoint,
    tokenUrl: config.lwa.tokenUrl,
    clientId: config.lwa.clientId,
    clientSecret: config.lwa.clientSecret,
    refreshToken: config.lwa.refreshToken,
    timeoutMs: config.timeoutMs,
    fetch: deps.fetch,
    now: deps.now,
  });
  return {
    async testConnection() {
      // The token exchange proves the LWA credentials without spending the scarce getOrders quota.
      try {
        await transport.tokens.get(AbortSignal.timeout(config.timeoutMs));
        return { ok: true };
      } catch (err) {
        return { ok: false, detail: errorMessage(err) };
      }
    },
    async invoke(capability, input, ctx) {
      switch (capability) {
        case CAPABILITY.ORDER_PULL:
          return pullOrders({ transport, marketplaceIds: config.marketplaceIds, now: deps.now }, input, ctx);
        case CAPABILITY.SHIPMENT_CONFIRM:
          return confirmShipment(transport, input, ctx);
        default:
          throw AdapterError.rejected(ADAPTER_ID, 'unsupported-capability', `capability ${capability} is not implemented`);
      }
    },
    async close() {},
  };
}
