import { WebhookBodyError, type AdapterDeps, type AdapterInstance } from '../../src/sdk/define.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { dispatch } from '../_shared/dispatch.js';
import { ADAPTER_ID, ShopifyAdmin } from './admin.js';
import type { ShopifyConfig } from './index.js';
import { pushInventory } from './operations/inventory-push.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { shopifyManifest } from './manifest.js';
import { verifyShopifyHmac } from './webhook.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { errorMessage } from '../../src/util/errors.js';

const ORDER_TOPICS: readonly string[] = shopifyManifest.orderTopics;

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
    // Shopify wants only a 2xx: the hub answers with the order it started, and a 4xx it can read.
    webhookAnswersWithResult: true,
    parseWebhook(req) {
      // The hub's reader, not JSON.parse: Shopify ids beyond 2^53 must stay exact, as in the mapping.
      const text = Buffer.from(req.rawBody).toString('utf8');
      let payload: unknown;
      try {
        payload = parseJsonSafe(text);
      } catch (err) {
        throw new WebhookBodyError('invalid_json', `body: not valid JSON (${errorMessage(err)})`);
      }
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new WebhookBodyError('invalid_body', 'body: expected a JSON object (a Shopify order or refund)');
      const messageId = req.headers['x-shopify-webhook-id'] ?? req.headers['x-shopify-event-id'] ?? '';
      const topic = req.headers['x-shopify-topic'] ?? 'orders/create';
      // Order topics carry the whole REST order: it is the event's order, its text kept as sent.
      if (ORDER_TOPICS.includes(topic)) return [{ messageId, topic, orderId: 'id' in payload ? String(payload.id) : null, payload: { order: payload }, raw: text }];
      return [{ messageId, topic, orderId: null, payload }];
    },
    async close() {},
  };
}
