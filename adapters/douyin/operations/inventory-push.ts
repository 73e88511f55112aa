import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { pushAvailable, type InventoryPushResult } from '../../_shared/inventory-push.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import type { DouyinListing } from '../constants.js';
import { ADAPTER_ID, type DouyinTransport } from '../transport.js';

/**
 * `data` of a successful sku.syncStock. UNVERIFIED: the public SDKs we checked (westng/doudian-sdk)
 * document the request only; success is decided by the envelope's code 10000, so any object (or
 * none) is accepted here, and a non-object answer stops as unexpected.
 */
const SyncStockData = z.union([z.looseObject({}), z.null()]);

/**
 * `sku.syncStock` with `incremental: false`: the SKU's stock becomes `stock_num` (absolute), so a
 * retried push sets the same figure again. Request fields from westng/doudian-sdk
 * SkuSyncStockParam (product_id, sku_id, stock_num, incremental).
 */
export async function pushInventory(transport: DouyinTransport, listings: Record<string, DouyinListing>, rawInput: unknown, ctx: InvokeContext): Promise<InventoryPushResult> {
  return pushAvailable(ADAPTER_ID, rawInput, ctx, (sku) => listings[sku], async (listing, available) => {
    const data = await transport.call('sku.syncStock', { product_id: listing.productId, sku_id: listing.skuId, stock_num: available, incremental: false }, ctx); // ctx: one rate-limit token per request
    parseOrReject(ADAPTER_ID, SyncStockData, data, 'sku.syncStock response');
  });
}
