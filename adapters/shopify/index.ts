import { z } from 'zod';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { dispatch } from '../_shared/dispatch.js';
import { listingsTable } from '../_shared/inventory-push.js';
import { ADAPTER_ID, ShopifyAdmin } from './admin.js';
import { shopifyManifest } from './manifest.js';
import { pushInventory, ShopifyId, ShopifyListing } from './operations/inventory-push.js';
import { confirmShipment } from './operations/shipment-confirm.js';
import { verifyShopifyHmac } from './webhook.js';

export const shopifyConfig = z
  .object({
    shop: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'expected <name>.myshopify.com').describe('The shop domain, <name>.myshopify.com'),
    webhookSecret: secret('App secret that signs webhooks (X-Shopify-Hmac-Sha256)'),
    /** Only inventory.push and shipment.confirm call the Admin API: a webhook-only connector needs no token. */
    adminAccessToken: secret('Admin API access token (X-Shopify-Access-Token), scopes write_inventory (inventory.push) and write_merchant_managed_fulfillment_orders (shipment.confirm)').optional(),
    apiVersion: z.string().regex(/^\d{4}-\d{2}$/, 'a Shopify API version such as 2024-07').default('2024-07').describe('Admin REST API version in the request path; Shopify supports each for about a year'),
    adminBaseUrl: z.url().optional().describe('Admin API origin instead of https://<shop> (the Shopify sandbox, or an egress proxy)'),
    locationId: ShopifyId.optional().describe("Shopify location whose available quantity inventory.push sets (the hub's warehouse stock for this shop)"),
    /** Merchant SKU -> {inventoryItemId}: the variant's inventory_item_id, not the variant id. */
    listings: listingsTable(ShopifyListing),
    notifyCustomer: z.boolean().default(false).describe("Whether Shopify emails the buyer the tracking when shipment.confirm fulfils an order (Shopify's own default is false)"),
    timeoutMs: timeoutMs(30_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A listings table means stock will be pushed: say now what is missing, not at the first push.
    if (Object.keys(c.listings).length === 0) return;
    if (!c.adminAccessToken) ctx.addIssue({ code: 'custom', path: ['adminAccessToken'], message: 'required when listings are configured (inventory.push)' });
    if (!c.locationId) ctx.addIssue({ code: 'custom', path: ['locationId'], message: 'required when listings are configured (inventory.push)' });
  });

/**
 * Shopify: inbound order webhooks, available-stock push and shipment confirmation (fulfillments). The HTTP route
 * (src/http/routes/webhooks-shopify.ts) uses the same verification; this definition is what the
 * registry, docs and contract kit see.
 */
export default defineAdapter({
  manifest: {
    id: shopifyManifest.id,
    contractVersion: shopifyManifest.contractVersion,
    version: shopifyManifest.version,
    status: shopifyManifest.status,
    kind: shopifyManifest.kind,
    displayName: shopifyManifest.displayName,
    summary: shopifyManifest.summary,
    capabilities: [...shopifyManifest.capabilities],
    mappings: { inbound: [...shopifyManifest.mappings.inbound] },
    docs: 'https://shopify.dev/docs/apps/build/webhooks',
  },
  configSchema: shopifyConfig,
  // Without an Admin token the shop is webhook-only: offering shipment.confirm would turn every
  // shipment into a refused confirmation held for a person.
  offers: (config) => (config.adminAccessToken ? shopifyManifest.capabilities : shopifyManifest.capabilities.filter((c) => c === CAPABILITY.ORDER_WEBHOOK)),
  create(config, deps) {
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
  },
});
