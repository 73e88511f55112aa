import { z } from 'zod';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { listingsTable } from '../_shared/inventory-push.js';
import { shopifyManifest } from './manifest.js';
import { ShopifyId, ShopifyListing } from './operations/inventory-push.js';

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

export type ShopifyConfig = z.output<typeof shopifyConfig>;

/**
 * Shopify: inbound order webhooks, available-stock push and shipment confirmation (fulfillments). The HTTP route
 * (/webhooks/shopify, the generic webhook route) calls its verifyWebhook and parseWebhook; this definition is what the
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
  // Shopify posts every shop's webhooks to /webhooks/shopify, naming the shop in a header; a
  // channel may carry just its webhook secret, which is this adapter's webhookSecret.
  webhookChannel: {
    shop: (req) => req.headers['x-shopify-shop-domain'],
    config: ({ shop, secret }) => ({ shop, webhookSecret: secret }),
  },
  async create(config, deps) {
    const { createShopifyInstance } = await import('./instance.js');
    return createShopifyInstance(config, deps);
  },
});
