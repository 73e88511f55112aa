import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { PlatformId, pushAvailable, type InventoryPushResult } from '../../_shared/inventory-push.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, type TopTransport } from '../transport.js';

/**
 * Where a merchant SKU is listed on this Taobao/Tmall shop. A single-SKU item needs only its
 * num_iid; on a multi-SKU item the quantity goes to the SKU named by sku_id or, failing that, by
 * the SKU's merchant code (outer_id), which TOP resolves itself.
 */
export const TaobaoListing = z
  .object({
    numIid: PlatformId.describe('num_iid of the item'),
    skuId: PlatformId.optional().describe('sku_id on a multi-SKU item (wins over outerId)'),
    outerId: z.string().min(1).optional().describe("the SKU's merchant code (outer_id) on a multi-SKU item, when skuId is not known"),
  })
  .strict();
export type TaobaoListing = z.output<typeof TaobaoListing>;

/** A success carries the item with its new totals (num_iid, num, skus); an error comes as error_response. */
const QuantityUpdateBody = z.object({ item_quantity_update_response: z.looseObject({ item: z.looseObject({}) }) });

/**
 * `taobao.item.quantity.update` per SKU with type=1 (full overwrite: the figure replaces the
 * platform's stock, so a retried push is harmless). Parameter names and the response shape from
 * bububa/opentaobao (TaobaoItemQuantityUpdateAPIRequest/Response). TOP refusals (isv.item-not-exist,
 * an item off shelf or being edited...) come back as non-retryable errors from the transport
 * and are reported per SKU; isp.* and call-limit codes are retryable and retry the whole push.
 */
export async function pushInventory(transport: TopTransport, listings: Readonly<Record<string, TaobaoListing>>, rawInput: unknown, ctx: InvokeContext): Promise<InventoryPushResult> {
  return pushAvailable(ADAPTER_ID, rawInput, ctx, (sku) => listings[sku], async (l, quantity) => {
    const body = await transport.call(
      'taobao.item.quantity.update',
      { num_iid: l.numIid, sku_id: l.skuId, outer_id: l.skuId ? undefined : l.outerId, quantity: String(quantity), type: '1' },
      // The whole context: each SKU's request spends its own rate-limit token.
      ctx,
    );
    parseOrReject(ADAPTER_ID, QuantityUpdateBody, body, 'taobao.item.quantity.update response');
  });
}
