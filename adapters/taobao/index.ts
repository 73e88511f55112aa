import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { TOP_SIGN_METHODS, TOP_TRADE_TYPES } from './constants.js';
import { taobaoPollingConfig } from './polling.js';
import { listingsTable } from '../_shared/inventory-push.js';
import { TaobaoListing } from './operations/inventory-push.js';

export const taobaoConfig = z
  .object({
    appKey: z.string().min(1).describe('TOP app key'),
    appSecret: secret('TOP app secret that signs every request'),
    sessionKey: secret("The shop's authorisation session (sessionKey / access token)"),
    signMethod: z.enum(TOP_SIGN_METHODS).default('hmac-sha256').describe('TOP sign_method the requests are signed with'),
    baseUrl: z.url().default('https://eco.taobao.com/router/rest').describe('TOP router (the sandbox or a proxy otherwise)'),
    tradeTypes: z.array(z.string().min(1)).min(1).default([...TOP_TRADE_TYPES]).describe('Trade types pulled (taobao.trades.sold.increment.get type)'),
    pageSize: z.number().int().min(1).max(100).default(100).describe('Trades per increment page (TOP allows at most 100)'),
    timeoutMs: timeoutMs(30_000),
    polling: taobaoPollingConfig.describe('Order pull window and overlap'),
    listings: listingsTable(TaobaoListing),
  })
  .strict();
export type TaobaoConfig = z.output<typeof taobaoConfig>;

export default defineAdapter({
  manifest: {
    id: 'taobao',
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'platform',
    displayName: 'Taobao / Tmall (TOP)',
    summary:
      'Pulls trades by modified window (taobao.trades.sold.increment.get, newest-first, read from the last page back; then taobao.trade.fullinfo.get per tid, ids beyond 2^53 kept exact) and confirms shipment with taobao.logistics.offline.send. Pushes available stock per SKU with taobao.item.quantity.update (type=1, full overwrite) to the num_iid / sku_id (or outer_id) of the `listings` table. TMC messages parse with parseTmcMessage. Lists received refunds by modified window (taobao.refunds.receive.get) for the case intake.',
    capabilities: ['order.pull', 'shipment.confirm', 'inventory.push', 'aftersales.pull'],
    mappings: { inbound: ['taobao/order.v1'] },
    docs: 'https://open.taobao.com/api.htm?docId=128&docType=2',
  },
  configSchema: taobaoConfig,
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createTaobaoInstance } = await import('./instance.js');
    return createTaobaoInstance(config, deps);
  },
});
