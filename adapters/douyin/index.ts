import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { listingsTable } from '../_shared/inventory-push.js';
import { CAPABILITY, type Capability } from '../../src/sdk/capabilities.js';
import { ADAPTER_ID, DouyinListing } from './constants.js';
import { DouyinEwaybillConfig } from './ewaybill.js';
import { douyinPollingConfig } from './polling.js';

export const douyinConfig = z
  .object({
    appKey: z.string().min(1).describe('App key of the Douyin shop application'),
    appSecret: secret('App secret: signs API calls and verifies push messages'),
    accessToken: secret("The shop's access token"),
    baseUrl: z.url().default('https://openapi-fxg.jinritemai.com').describe('Open-platform API root (the sandbox or a proxy otherwise)'),
    pageSize: z.number().int().min(1).max(100).default(100).describe('Orders per order.searchList page (Douyin allows at most 100)'),
    timeoutMs: timeoutMs(30_000),
    polling: douyinPollingConfig.describe('Order pull window and overlap'),
    /** Merchant SKU -> {productId, skuId} of the Douyin product and SKU. */
    listings: listingsTable(DouyinListing),
    /** The shop's e-waybill subscription: set, this connector is a courier (waybill.create/cancel/update). */
    ewaybill: DouyinEwaybillConfig.optional().describe('Issue waybills on the Douyin e-waybill (抖音电子面单) with this subscription; absent: no waybill capabilities'),
  })
  .strict();
const EWAYBILL_CAPABILITIES: readonly Capability[] = [CAPABILITY.WAYBILL_CREATE, CAPABILITY.WAYBILL_CANCEL, CAPABILITY.WAYBILL_UPDATE];
const DOUYIN_CAPABILITIES: readonly Capability[] = [CAPABILITY.ORDER_PULL, CAPABILITY.ORDER_GET, CAPABILITY.ORDER_WEBHOOK, CAPABILITY.SHIPMENT_CONFIRM, CAPABILITY.INVENTORY_PUSH, ...EWAYBILL_CAPABILITIES];

export type DouyinConfig = z.output<typeof douyinConfig>;

export default defineAdapter({
  manifest: {
    id: ADAPTER_ID,
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'platform',
    displayName: 'Douyin shop (抖店)',
    summary:
      'Push messages verified by event-sign (MD5 of app key + raw body + secret; reply {"code":0,"msg":"success"}), order.pull by update-time window (order.searchList read from the last page back, then order.orderDetail), order.get (order.orderDetail: order push tags carry only the id, the hub fetches the order before intake), shipment.confirm with order.logisticsAdd; inventory.push sets absolute stock per listed SKU with sku.syncStock (incremental=false; response data UNVERIFIED); with `ewaybill` set, the Douyin e-waybill (抖音电子面单): waybill.create with logistics.newCreateOrder (receiver as the platform ciphertext, pack_id from the idempotency key), waybill.cancel with logistics.cancelOrder, waybill.update with logistics.updateOrder (docs/adapters/douyin-ewaybill.md); calls signed with HMAC-SHA256.',
    capabilities: [...DOUYIN_CAPABILITIES],
    mappings: { inbound: ['douyin/order.v1'] },
    docs: 'https://op.jinritemai.com/docs/guide-docs/10/23',
  },
  configSchema: douyinConfig,
  // The e-waybill capabilities need the shop's subscription; without it the connector is a shop only.
  offers: (config) => (config.ewaybill ? DOUYIN_CAPABILITIES : DOUYIN_CAPABILITIES.filter((c) => !EWAYBILL_CAPABILITIES.includes(c))),
  async create(config, deps) {
    const { createDouyinInstance } = await import('./instance.js');
    return createDouyinInstance(config, deps);
  },
});
