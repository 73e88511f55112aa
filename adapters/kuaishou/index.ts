import { z } from 'zod';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { listingsTable } from '../_shared/inventory-push.js';
import { ADAPTER_ID, KuaishouListing } from './constants.js';
import { kuaishouPollingConfig } from './polling.js';

export const kuaishouConfig = z
  .object({
    appKey: z.string().min(1).describe('The app key (ks...), sent in clear as `appkey` with every call and inside every push'),
    signSecret: secret('The signSecret of the app: signs every API call (HMAC-SHA256)'),
    accessToken: secret("The shop's access token (authorised for merchant_order and merchant_item)"),
    messageKey: secret('The AES key of the message push (Base64, app console): pushes are decrypted with it; without it the connector takes no pushes').optional(),
    baseUrl: z.url().default('https://openapi.kwaixiaodian.com').describe('API origin (the sandbox, or an egress proxy)'),
    pageSize: z.number().int().min(1).max(100).default(50).describe('Orders per open.order.cursor.list page'),
    timeoutMs: timeoutMs(30_000),
    polling: kuaishouPollingConfig,
    listings: listingsTable(KuaishouListing),
  })
  .strict();
export type KuaishouConfig = z.output<typeof kuaishouConfig>;

const CAPABILITIES = [CAPABILITY.ORDER_PULL, CAPABILITY.ORDER_GET, CAPABILITY.ORDER_WEBHOOK, CAPABILITY.SHIPMENT_CONFIRM, CAPABILITY.INVENTORY_PUSH] as const;

export default defineAdapter({
  manifest: {
    id: ADAPTER_ID,
    contractVersion: 1,
    version: '0.1.0',
    status: 'experimental',
    kind: 'platform',
    displayName: 'Kuaishou shop (快手小店)',
    summary:
      'Calls signed with HMAC-SHA256 over the sorted system parameters + signSecret (Base64); order.pull by update-time window with open.order.cursor.list (epoch ms, cursor paging; whole orders, no detail call); order.get with open.order.detail; message push AES-CBC encrypted with the app message key (no signature: genuine when it decrypts to a message naming our appKey), order events name the order in bizId and are completed with order.get, reply {"result":1}; shipment.confirm with open.seller.order.goods.deliver; inventory.push reads the SKU (open.item.get) and sends the difference with open.item.sku.stock.update (stock fields and changeType UNVERIFIED).',
    capabilities: [...CAPABILITIES],
    mappings: { inbound: ['kuaishou/order.v1'] },
    docs: 'https://open.kwaixiaodian.com/zone/new/docs/dev?pageSign=8cca5d25ba0015e5045a7ebec6383b741614263875756',
  },
  configSchema: kuaishouConfig,
  // Pushes need the message key; without it the channel is pulled only.
  offers: (config) => (config.messageKey ? CAPABILITIES : CAPABILITIES.filter((c) => c !== CAPABILITY.ORDER_WEBHOOK)),
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createKuaishouInstance } = await import('./instance.js');
    return createKuaishouInstance(config, deps);
  },
});
