import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import type { DouyinConfig } from './index.js';
import { getOrder } from './operations/order-get.js';
import { pushInventory } from './operations/inventory-push.js';
import { pullOrders } from './operations/order-pull.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { cancelEwaybill } from './operations/waybill-cancel.js';
import { createEwaybill } from './operations/waybill-create.js';
import { updateEwaybill } from './operations/waybill-update.js';
import type { DouyinEwaybillConfig } from './ewaybill.js';
import type { Operation } from '../_shared/dispatch.js';
import { ADAPTER_ID, DouyinTransport } from './transport.js';
import { parseDouyinPush, verifyDouyinPush } from './webhook.js';
import { dispatch } from '../_shared/dispatch.js';

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
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.ORDER_PULL]: (input, ctx) => pullOrders({ transport, pageSize: config.pageSize }, input, ctx),
      [CAPABILITY.ORDER_GET]: (input, ctx) => getOrder(transport, input, ctx),
      [CAPABILITY.SHIPMENT_CONFIRM]: (input, ctx) => confirmShipment(transport, input, ctx),
      [CAPABILITY.INVENTORY_PUSH]: (input, ctx) => pushInventory(transport, config.listings, input, ctx),
      // Only a connector with the shop's e-waybill subscription issues waybills; otherwise they stay unsupported.
      ...(config.ewaybill ? ewaybillOperations(transport, config.ewaybill) : {}),
    }),
    verifyWebhook(req) {
      return verifyDouyinPush(req.rawBody, req.headers, config.appKey, config.appSecret);
    },
    parseWebhook(req) {
      return parseDouyinPush(req.rawBody);
    },
    async close() {},
  };
}

function ewaybillOperations(transport: DouyinTransport, ewaybill: DouyinEwaybillConfig): Record<string, Operation> {
  return {
    [CAPABILITY.WAYBILL_CREATE]: (input, ctx) => createEwaybill(transport, ewaybill, input, ctx),
    [CAPABILITY.WAYBILL_CANCEL]: (input, ctx) => cancelEwaybill(transport, ewaybill, input, ctx),
    [CAPABILITY.WAYBILL_UPDATE]: (input, ctx) => updateEwaybill(transport, ewaybill, input, ctx),
  };
}
