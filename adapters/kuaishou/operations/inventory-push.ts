import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { pushAvailable, type InventoryPushResult } from '../../_shared/inventory-push.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import type { KuaishouListing } from '../constants.js';
import { ADAPTER_ID, HTTP_METHOD, KuaishouId, type KuaishouTransport } from '../transport.js';

/** `changeType` of open.item.sku.stock.update: 1 adds `skuChangeStock`, 2 takes it away. UNVERIFIED values. */
export const KUAISHOU_STOCK_CHANGE = { ADD: 1, SUBTRACT: 2 } as const;

/** open.item.get's SKUs with their stock. UNVERIFIED field names (`skuInfos[].kwaiSkuId`, `skuStock`): see docs/wire-formats/kuaishou.md. */
const ItemData = z.looseObject({ skuInfos: z.array(z.looseObject({ kwaiSkuId: KuaishouId, skuStock: z.number().int() })) });

/**
 * Kuaishou's stock API changes stock by an amount; the hub pushes absolute figures. So each SKU is
 * read first (open.item.get, GET) and the difference sent (open.item.sku.stock.update, POST); a
 * SKU already at the figure gets no write. A sale between the read and the write makes the
 * result off by that sale until the next push, which reads again (a retried push is safe for
 * the same reason: it re-reads before it writes).
 */
export async function pushInventory(transport: KuaishouTransport, listings: Record<string, KuaishouListing>, rawInput: unknown, ctx: InvokeContext): Promise<InventoryPushResult> {
  return pushAvailable(ADAPTER_ID, rawInput, ctx, (sku) => listings[sku], async (listing, available, sku) => {
    const item = parseOrReject(ADAPTER_ID, ItemData, await transport.call('open.item.get', { kwaiItemId: BigInt(listing.itemId) }, HTTP_METHOD.GET, ctx), 'open.item.get response');
    const current = item.skuInfos.find((s) => s.kwaiSkuId === listing.skuId);
    if (!current) throw AdapterError.rejected(ADAPTER_ID, 'unknown-sku', `item ${listing.itemId} has no SKU ${listing.skuId} (listing of ${sku})`);
    const delta = available - current.skuStock;
    if (delta === 0) return;
    await transport.call(
      'open.item.sku.stock.update',
      { kwaiItemId: BigInt(listing.itemId), skuId: BigInt(listing.skuId), skuChangeStock: Math.abs(delta), changeType: delta > 0 ? KUAISHOU_STOCK_CHANGE.ADD : KUAISHOU_STOCK_CHANGE.SUBTRACT },
      HTTP_METHOD.POST,
      ctx,
    );
  });
}
