import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import type { TaobaoConfig } from './index.js';
import { FullinfoCache } from './fullinfo-cache.js';
import { pullOrders } from './operations/order-pull.js';
import { pushInventory } from './operations/inventory-push.js';
import { pullRefunds } from './operations/refund-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, TopTransport } from './transport.js';
import { dispatch, probe } from '../_shared/dispatch.js';

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
  // One per connector: the trades its polls read lately (see fullinfo-cache.ts).
  const details = new FullinfoCache();
  return {
    // taobao.time.get needs no shop data: it proves the app key, secret and signing work.
    testConnection: () => probe(() => transport.call('taobao.time.get', {}, AbortSignal.timeout(config.timeoutMs))),
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.ORDER_PULL]: (input, ctx) => pullOrders({ transport, pageSize: config.pageSize, tradeTypes: config.tradeTypes, details }, input, ctx),
      [CAPABILITY.SHIPMENT_CONFIRM]: (input, ctx) => confirmShipment(transport, input, ctx),
      [CAPABILITY.INVENTORY_PUSH]: (input, ctx) => pushInventory(transport, config.listings, input, ctx),
      [CAPABILITY.AFTER_SALES_PULL]: (input, ctx) => pullRefunds({ transport, pageSize: config.pageSize }, input, ctx),
    }),
    async close() {},
  };
}
