import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { ADAPTER_ID } from './constants.js';
import { pinduoduoPollingConfig } from './polling.js';
import { listingsTable } from '../_shared/inventory-push.js';
import { PddListing } from './operations/inventory-push.js';

export const pinduoduoConfig = z
  .object({
    clientId: z.string().min(1).describe('PDD client_id of the application'),
    clientSecret: secret('PDD client_secret that signs every request'),
    accessToken: secret("The shop's access token"),
    baseUrl: z.url().default('https://gw-api.pinduoduo.com/api/router').describe('api/router gateway (the sandbox or a proxy otherwise)'),
    pageSize: z.number().int().min(1).max(100).default(100).describe('Orders per increment page (PDD allows at most 100)'),
    timeoutMs: timeoutMs(30_000),
    polling: pinduoduoPollingConfig.describe('Order pull window and overlap'),
    listings: listingsTable(PddListing),
  })
  .strict();
export type PinduoduoConfig = z.output<typeof pinduoduoConfig>;

export default defineAdapter({
  manifest: {
    id: ADAPTER_ID,
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'platform',
    displayName: 'Pinduoduo (拼多多)',
    summary:
      'Pulls orders by update window (pdd.order.number.list.increment.get: <= 30 min ending >= 3 min before now, read from the last page back; then pdd.order.information.get) and confirms shipment with pdd.logistics.online.send; pushes available stock per SKU with pdd.goods.quantity.update (update_type=1, full overwrite) to the goods_id / sku_id (or outer_id) of the `listings` table; lists after-sales by update window (pdd.refund.list.increment.get) for the case intake; MD5-signed api/router calls.',
    capabilities: ['order.pull', 'shipment.confirm', 'inventory.push', 'aftersales.pull'],
    mappings: { inbound: ['pinduoduo/order.v1'] },
    docs: 'https://open.pinduoduo.com/application/document/api',
  },
  configSchema: pinduoduoConfig,
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createPinduoduoInstance } = await import('./instance.js');
    return createPinduoduoInstance(config, deps);
  },
});
