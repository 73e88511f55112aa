import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { listingsTable } from '../_shared/inventory-push.js';
import { ADAPTER_ID, AmazonListing } from './constants.js';
import { amazonPollingConfig } from './polling.js';

export const amazonConfig = z
  .object({
    endpoint: z.url().default('https://sellingpartnerapi-na.amazon.com').describe('Regional SP-API endpoint: -na, -eu or -fe.'),
    marketplaceIds: z.array(z.string().min(1)).min(1).describe('Marketplaces whose orders are pulled (e.g. ATVPDKIKX0DER for the US); at least one'),
    lwa: z
      .object({
        clientId: z.string().min(1).describe('LWA client id of the SP-API application'),
        clientSecret: secret('LWA client secret of the SP-API application'),
        refreshToken: secret("The seller's LWA refresh token"),
        tokenUrl: z.url().default('https://api.amazon.com/auth/o2/token').describe('LWA token endpoint the refresh token is exchanged at'),
      })
      .strict()
      .describe('Login with Amazon credentials of the SP-API application'),
    timeoutMs: timeoutMs(30_000),
    polling: amazonPollingConfig.describe('Order pull window and overlap'),
    sellerId: z.string().regex(/^[A-Z0-9]+$/, 'the merchant token (Seller Central > Account info), e.g. A2Z045PNNSBEVP').optional().describe('Selling partner id for the Listings Items API; required by inventory.push'),
    /** Merchant SKU -> {sellerSku, productType} of the Amazon listing. */
    listings: listingsTable(AmazonListing),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A listings table means stock will be pushed: say now what is missing, not at the first push.
    if (Object.keys(c.listings).length > 0 && !c.sellerId) ctx.addIssue({ code: 'custom', path: ['sellerId'], message: 'required when listings are configured (inventory.push)' });
  });
export type AmazonConfig = z.output<typeof amazonConfig>;

export default defineAdapter({
  manifest: {
    id: ADAPTER_ID,
    contractVersion: 1,
    version: '0.1.0',
    status: 'experimental',
    kind: 'platform',
    displayName: 'Amazon SP-API (Orders v0)',
    summary:
      'Pulls orders by LastUpdatedAfter/Before (Before >= 2 min before now, NextToken paging) plus getOrderItems per order into {order, items}; confirmShipment; inventory.push sets the seller-fulfilled quantity per listed SKU with Listings Items patchListingsItem (fulfillment_availability, DEFAULT channel; accepted means queued, Amazon validates asynchronously). LWA refresh-token exchange cached until expiry. getOrders is rate limited to 0.0167 rps with burst 20: pace pulls accordingly (shared limiter: issue 7). aftersales.pull lists refunds posted in the window (Finances listFinancialEvents, RefundEventList; the window query is UNVERIFIED) for the case intake.',
    capabilities: ['order.pull', 'shipment.confirm', 'inventory.push', 'aftersales.pull'],
    mappings: { inbound: ['amazon/order.v1'] },
    docs: 'https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference',
  },
  configSchema: amazonConfig,
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createAmazonInstance } = await import('./instance.js');
    return createAmazonInstance(config, deps);
  },
});
