import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { PlatformId, pushAvailable, type InventoryPushResult } from '../../_shared/inventory-push.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, type PddTransport } from '../transport.js';

/**
 * Where a merchant SKU is listed on this Pinduoduo shop: the goods_id and the SKU within it, by
 * sku_id or by its merchant code (outer_id). PDD requires one of the two on every call.
 */
export const PddListing = z
  .object({
    goodsId: PlatformId.describe('goods_id of the goods'),
    skuId: PlatformId.optional().describe('sku_id (wins over outerId)'),
    outerId: z.string().min(1).optional().describe("the SKU's merchant code (outer_id), when skuId is not known"),
  })
  .strict()
  .refine((l) => l.skuId !== undefined || l.outerId !== undefined, { message: 'skuId or outerId is required (pdd.goods.quantity.update needs one of them)', path: ['skuId'] });
export type PddListing = z.output<typeof PddListing>;

const QuantityUpdateBody = z.object({
  goods_quantity_update_response: z.looseObject({ is_success: z.union([z.boolean(), z.number()]).transform((v) => v === true || v === 1) }),
});

/**
 * `pdd.goods.quantity.update` per SKU with update_type=1 (full overwrite, so a retried push is
 * harmless). Parameter names (goods_id, sku_id | outer_id, quantity, update_type) and the
 * response `goods_quantity_update_response.is_success` from open-source PDD SDKs (the official
 * page needs a login). PDD refuses to lower the stock of goods booked on a promotion slot
 * ("在资源位上的商品不能减少库存"): that comes back as a business error, reported for the SKU.
 */
export async function pushInventory(transport: PddTransport, listings: Readonly<Record<string, PddListing>>, rawInput: unknown, ctx: InvokeContext): Promise<InventoryPushResult> {
  return pushAvailable(ADAPTER_ID, rawInput, ctx, (sku) => listings[sku], async (l, quantity) => {
    const body = await transport.call(
      'pdd.goods.quantity.update',
      { goods_id: l.goodsId, sku_id: l.skuId, outer_id: l.skuId ? undefined : l.outerId, quantity: String(quantity), update_type: '1' },
      // The whole context: each SKU's request spends its own rate-limit token.
      ctx,
    );
    if (!parseOrReject(ADAPTER_ID, QuantityUpdateBody, body, 'pdd.goods.quantity.update response').goods_quantity_update_response.is_success) {
      throw AdapterError.rejected(ADAPTER_ID, 'stock-refused', 'pdd.goods.quantity.update: is_success=false');
    }
  });
}
