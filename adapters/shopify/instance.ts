import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { dispatch } from '../_shared/dispatch.js';
import { ADAPTER_ID, ShopifyAdmin } from './admin.js';
import type { ShopifyConfig } from './index.js';
import { pushInventory } from './operations/inventory-push.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { verifyShopifyHmac } from './webhook.js';

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
      const payload: unknown = JSON.parse(Buffer.from(req.rawBody).toString('utf8'));
      const id = typeof payload === 'object' && payload !== null && 'id' in payload ? String(payload.id) : null;
      return [{ messageId: req.headers['x-shopify-webhook-id'] ?? '', topic: req.headers['x-shopify-topic'] ?? '', orderId: id, payload }];
    },
    async close() {},
  };
}
