import type { InvokeContext } from '../../../src/sdk/define.js';
import { pushAvailable, type InventoryPushResult } from '../../_shared/inventory-push.js';
import { ADAPTER_ID, type OwnStoreTransport } from '../transport.js';

/**
 * POST {sku, available, warehouse} to the shop's stock URL, one SKU per request, absolute figures
 * (a retried push sets the same figure). The shop's SKUs are the merchant SKUs, so every SKU is
 * sent unless `skus` limits them; a SKU the shop does not sell is its refusal (ok:false).
 */
export async function pushInventory(transport: OwnStoreTransport, url: string, skus: readonly string[] | undefined, rawInput: unknown, ctx: InvokeContext): Promise<InventoryPushResult> {
  const only = skus ? new Set(skus) : null;
  let warehouse = '';
  if (typeof rawInput === 'object' && rawInput !== null && 'warehouse' in rawInput && typeof rawInput.warehouse === 'string') warehouse = rawInput.warehouse;
  return pushAvailable(ADAPTER_ID, rawInput, ctx, (sku) => (only && !only.has(sku) ? undefined : sku), async (sku, available) => {
    await transport.post('stock', url, { sku, available, warehouse }, ctx, `${ctx.idempotencyKey}:${sku}`);
  });
}
