import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import type { PinduoduoConfig } from './index.js';
import { pullOrders } from './operations/order-pull.js';
import { pushInventory } from './operations/inventory-push.js';
import { pullRefunds } from './operations/refund-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, PddTransport } from './transport.js';
import { dispatch } from '../_shared/dispatch.js';

export function createPinduoduoInstance(config: PinduoduoConfig, deps: AdapterDeps): AdapterInstance {
  const transport = new PddTransport({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    accessToken: config.accessToken,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    fetch: deps.fetch,
    now: deps.now,
  });
  return {
    async testConnection() {
      return { ok: true, detail: 'credentials are checked on the first call' };
    },
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.ORDER_PULL]: (input, ctx) => pullOrders({ transport, pageSize: config.pageSize, now: deps.now }, input, ctx),
      [CAPABILITY.SHIPMENT_CONFIRM]: (input, ctx) => confirmShipment(transport, input, ctx),
      [CAPABILITY.INVENTORY_PUSH]: (input, ctx) => pushInventory(transport, config.listings, input, ctx),
      [CAPABILITY.AFTER_SALES_PULL]: (input, ctx) => pullRefunds({ transport, pageSize: config.pageSize }, input, ctx),
    }),
    async close() {},
  };
}
