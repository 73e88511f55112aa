import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { dispatch } from '../_shared/dispatch.js';
import type { OwnStoreConfig } from './index.js';
import { pushInventory } from './operations/inventory-push.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { ADAPTER_ID, OwnStoreTransport } from './transport.js';
import { parseOwnStoreEvent, verifyOwnStoreEvent } from './webhook.js';

function need(url: string | undefined, field: string): string {
  if (!url) throw AdapterError.rejected(ADAPTER_ID, 'not-configured', `${field}: not set in the connector config`);
  return url;
}

export function createOwnStoreInstance(config: OwnStoreConfig, deps: AdapterDeps): AdapterInstance {
  const transport = new OwnStoreTransport({ callbackSecret: config.callbackSecret, timeoutMs: config.timeoutMs, fetch: deps.fetch, now: deps.now });
  return {
    // The shop calls us; the callbacks are checked on the first shipment or stock push.
    async testConnection() {
      return { ok: true, detail: 'events are verified with webhookSecret; callbacks are signed with callbackSecret' };
    },
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.SHIPMENT_CONFIRM]: (input, ctx) => confirmShipment(transport, need(config.shipmentUrl, 'shipmentUrl'), input, ctx),
      [CAPABILITY.INVENTORY_PUSH]: (input, ctx) => pushInventory(transport, need(config.stockUrl, 'stockUrl'), config.skus, input, ctx),
    }),
    verifyWebhook: (req) => verifyOwnStoreEvent(req, config.webhookSecret, config.toleranceSeconds, deps.now().getTime()),
    parseWebhook: (req) => parseOwnStoreEvent(req),
    async close() {},
  };
}
