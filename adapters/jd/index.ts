import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { ADAPTER_ID, JD_ORDER_STATES } from './constants.js';
import { jdPollingConfig } from './polling.js';
import { listingsTable } from '../_shared/inventory-push.js';
import { JdListing } from './operations/inventory-push.js';

export const jdConfig = z
  .object({
    appKey: z.string().min(1).describe('JOS app key'),
    appSecret: secret('JOS app secret that signs every request'),
    accessToken: secret("The shop's access token"),
    baseUrl: z.url().default('https://api.jd.com/routerjson').describe('JOS routerjson gateway (the sandbox or a proxy otherwise)'),
    orderStates: z.array(z.string().min(1)).min(1).default([...JD_ORDER_STATES]).describe('Order states pulled (jingdong.pop.order.search order_state)'),
    pageSize: z.number().int().min(1).max(100).default(100).describe('Orders per search page (JOS allows at most 100)'),
    timeoutMs: timeoutMs(30_000),
    polling: jdPollingConfig.describe('Order pull window and overlap'),
    listings: listingsTable(JdListing),
    afterSalesOperator: z
      .object({
        buId: z.string().min(1).describe('Seller (vender) id'),
        operatePin: z.string().min(1).describe('Operator account pin'),
        operateNick: z.string().min(1).optional().describe('Operator name'),
      })
      .strict()
      .optional()
      .describe('Seller id and operator sent with jingdong.asc.query.list (UNVERIFIED whether JOS requires them)'),
  })
  .strict();
export type JdConfig = z.output<typeof jdConfig>;

export default defineAdapter({
  manifest: {
    id: ADAPTER_ID,
    contractVersion: 1,
    version: '0.1.0',
    status: 'experimental',
    kind: 'platform',
    displayName: 'JD POP (JOS)',
    summary:
      'Pulls POP orders by modified window (jingdong.pop.order.search, dateType 0, small rolled windows read from the last page back) and confirms shipment with jingdong.pop.order.shipment; pushes available stock per SKU with jingdong.stock.write.updateSkuStock (skuId, stockNum: an overwrite) to the skuId of the `listings` table (the response flag `success` is UNVERIFIED); MD5-signed routerjson calls, `_responce` and `_response` wrappers both read; lists after-sales service orders by update window (jingdong.asc.query.list, response shape and status codes UNVERIFIED) for the case intake.',
    capabilities: ['order.pull', 'shipment.confirm', 'inventory.push', 'aftersales.pull'],
    mappings: { inbound: ['jd/order.v1'] },
    docs: 'https://jos.jd.com/',
  },
  configSchema: jdConfig,
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createJdInstance } = await import('./instance.js');
    return createJdInstance(config, deps);
  },
});
