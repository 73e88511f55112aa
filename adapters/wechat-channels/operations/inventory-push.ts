import type { InvokeContext } from '../../../src/sdk/define.js';
import { pushAvailable, type InventoryPushResult } from '../../_shared/inventory-push.js';
import type { WeChatListing } from '../constants.js';
import { ADAPTER_ID, type WeChatTransport } from '../transport.js';

/** `diff_type` of the shop's stock update that sets the figure instead of adding to it. UNVERIFIED (see the doc). */
export const WECHAT_STOCK_SET = 3;

/**
 * `/channels/ec/product/stock/update` with diff_type {@link WECHAT_STOCK_SET}: the SKU's stock
 * becomes `num`, so a retried push sets the same figure again. Success is the envelope's errcode 0.
 */
export async function pushInventory(transport: WeChatTransport, listings: Record<string, WeChatListing>, rawInput: unknown, ctx: InvokeContext): Promise<InventoryPushResult> {
  return pushAvailable(ADAPTER_ID, rawInput, ctx, (sku) => listings[sku], async (listing, available) => {
    await transport.call('/channels/ec/product/stock/update', { product_id: listing.productId, sku_id: listing.skuId, diff_type: WECHAT_STOCK_SET, num: available }, ctx);
  });
}
