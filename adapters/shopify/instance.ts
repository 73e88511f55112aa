import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { dispatch } from '../_shared/dispatch.js';
import { ADAPTER_ID, ShopifyAdmin } from './admin.js';
import type { ShopifyConfig } from './index.js';
import { pushInventory } from './operations/inventory-push.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { verifyShopifyHmac } from './webhook.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { errorMessage } from '../../src/util/errors.js';

export function createShopifyInstance(config: ShopifyConfig, deps: AdapterDeps): AdapterInstance {
  const admin = config.adminAccessToken ? new ShopifyAdmin({ shop: config.shop, baseUrl: config.adminBaseUrl, accessToken: config.adminAccessToken, apiVersion: config.apiVersion, timeoutMs: config.timeoutMs, fetch: deps.fetch }) : null;
  return {
    async testConnection() {
      return { ok: true, detail: `webhooks for ${config.shop} are verified with the configured secret` };
    },
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.INVENTORY_PUSH]: (input, ctx) => pushInventory({ admin, locationId: config.locationId, listings: config.listings }, input, ctx),
      [CAPABILITY.SHIPMENT_CONFIRM]: (input, ctx) => confirmShipment({ admin, notifyCustomer: config.notifyCustomer }, input, ctx),
    }),
    verifyWebhook(req) {
      return verifyShopifyHmac(req.rawBody, req.headers['x-shopify-hmac-sha256'], config.webhookSecret);
    },
    parseWebhook(req) {
      // The hub's reader, not JSON.parse: Shopify ids beyond 2^53 must stay exact, as in the mapping.
      let payload: unknown;
      try {
        payload = parseJsonSafe(Buffer.from(req.rawBody).toString('utf8'));
      } catch (err) {
        throw new Error(`body: not valid JSON (${errorMessage(err)})`);
      }
      const id = typeof payload === 'object' && payload !== null && 'id' in payload ? String(payload.id) : null;
      return [{ messageId: req.headers['x-shopify-webhook-id'] ?? '', topic: req.headers['x-shopify-topic'] ?? '', orderId: id, payload }];
    },
    async close() {},
  };
}
