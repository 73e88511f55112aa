import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import type { AmazonConfig } from './index.js';
import { pushInventory } from './operations/inventory-push.js';
import { pullOrders } from './operations/order-pull.js';
import { pullRefunds } from './operations/refund-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, SpApiTransport } from './transport.js';
import { dispatch, probe } from '../_shared/dispatch.js';

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
    // The token exchange proves the LWA credentials without spending the scarce getOrders quota.
    testConnection: () => probe(() => transport.tokens.get(AbortSignal.timeout(config.timeoutMs))),
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.ORDER_PULL]: (input, ctx) => pullOrders({ transport, marketplaceIds: config.marketplaceIds, now: deps.now }, input, ctx),
      [CAPABILITY.SHIPMENT_CONFIRM]: (input, ctx) => confirmShipment(transport, input, ctx),
      [CAPABILITY.INVENTORY_PUSH]: (input, ctx) => pushInventory({ transport, sellerId: config.sellerId, marketplaceIds: config.marketplaceIds, listings: config.listings }, input, ctx),
      [CAPABILITY.AFTER_SALES_PULL]: (input, ctx) => pullRefunds({ transport, now: deps.now }, input, ctx),
    }),
    async close() {},
  };
}
