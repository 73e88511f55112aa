import { z } from 'zod';
import { secret } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { ADAPTER_ID } from './constants.js';
import { amazonPollingConfig } from './polling.js';

export const amazonConfig = z
  .object({
    /** Regional SP-API endpoint: -na, -eu or -fe. */
    endpoint: z.url().default('https://sellingpartnerapi-na.amazon.com'),
    marketplaceIds: z.array(z.string().min(1)).min(1),
    lwa: z
      .object({
        clientId: z.string().min(1),
        clientSecret: secret('LWA client secret of the SP-API application'),
        refreshToken: secret("The seller's LWA refresh token"),
        tokenUrl: z.url().default('https://api.amazon.com/auth/o2/token'),
      })
      .strict(),
    timeoutMs: z.number().int().positive().default(30_000),
    polling: amazonPollingConfig,
  })
  .strict();
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
      'Pulls orders by LastUpdatedAfter/Before (Before >= 2 min before now, NextToken paging) plus getOrderItems per order into {order, items}; confirmShipment. LWA refresh-token exchange cached until expiry. getOrders is rate limited to 0.0167 rps with burst 20: pace pulls accordingly (shared limiter: issue 7).',
    capabilities: ['order.pull', 'shipment.confirm'],
    mappings: { inbound: ['amazon/order.v1'] },
    docs: 'https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference',
  },
  configSchema: amazonConfig,
  async create(config, deps) {
    const { createAmazonInstance } = await import('./instance.js');
    return createAmazonInstance(config, deps);
  },
});
