import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { ADAPTER_ID } from './constants.js';

export const ownStoreConfig = z
  .object({
    webhookSecret: secret("Verifies the shop's order events (HMAC-SHA256 over timestamp + '.' + body)"),
    callbackSecret: secret("Signs the hub's shipment and stock callbacks to the shop (same scheme); keep it different from webhookSecret"),
    shipmentUrl: z.url().optional().describe("The shop's endpoint for shipment confirmations; absent: shipment.confirm is not offered"),
    stockUrl: z.url().optional().describe("The shop's endpoint for stock figures; absent: inventory.push is not offered"),
    skus: z.array(z.string().min(1)).optional().describe('Merchant SKUs the shop sells, when only some of the warehouse stock should be sent; absent: every SKU'),
    toleranceSeconds: z.number().int().min(30).max(3600).default(300).describe('How far an event timestamp may be from the hub clock before it is refused (replay window)'),
    timeoutMs: timeoutMs(10_000),
  })
  .strict();
export type OwnStoreConfig = z.output<typeof ownStoreConfig>;

export default defineAdapter({
  manifest: {
    id: ADAPTER_ID,
    contractVersion: 1,
    version: '0.1.0',
    status: 'experimental',
    kind: 'platform',
    displayName: "Seller's own store (mini-program / web shop)",
    summary:
      'A signed webhook for a shop the seller runs: order events {id, type, order} carrying the whole order in the documented own-store format (money in integer minor units), verified like the ERP webhook (HMAC-SHA256 over timestamp + "." + body, 5-minute tolerance); shipment.confirm and inventory.push POST signed JSON to URLs the shop exposes, with an idempotency key, and read {"ok": true} back.',
    capabilities: ['order.webhook', 'shipment.confirm', 'inventory.push'],
    mappings: { inbound: ['own-store/order.v1'] },
  },
  configSchema: ownStoreConfig,
  offers: (config) => [
    'order.webhook' as const,
    ...(config.shipmentUrl ? (['shipment.confirm'] as const) : []),
    ...(config.stockUrl ? (['inventory.push'] as const) : []),
  ],
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createOwnStoreInstance } = await import('./instance.js');
    return createOwnStoreInstance(config, deps);
  },
});
