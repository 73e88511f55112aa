import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import type { JdConfig } from './index.js';
import { pullAfterSales } from './operations/aftersales-pull.js';
import { pullOrders } from './operations/order-pull.js';
import { pushInventory } from './operations/inventory-push.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, JdTransport } from './transport.js';
import { dispatch } from '../_shared/dispatch.js';

export function createJdInstance(config: JdConfig, deps: AdapterDeps): AdapterInstance {
  const transport = new JdTransport({ appKey: config.appKey, appSecret: config.appSecret, accessToken: config.accessToken, baseUrl: config.baseUrl, timeoutMs: config.timeoutMs, fetch: deps.fetch, now: deps.now });
  return {
    async testConnection() {
      return { ok: true, detail: 'credentials are checked on the first call' };
    },
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.ORDER_PULL]: (input, ctx) => pullOrders({ transport, pageSize: config.pageSize, orderStates: config.orderStates }, input, ctx),
      [CAPABILITY.SHIPMENT_CONFIRM]: (input, ctx) => confirmShipment(transport, input, ctx),
      [CAPABILITY.INVENTORY_PUSH]: (input, ctx) => pushInventory(transport, config.listings, input, ctx),
      [CAPABILITY.AFTER_SALES_PULL]: (input, ctx) => pullAfterSales({ transport, pageSize: config.pageSize, operator: config.afterSalesOperator }, input, ctx),
    }),
    async close() {},
  };
}
