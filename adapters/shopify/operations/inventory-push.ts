import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { PlatformId, pushAvailable, type InventoryPushResult } from '../../_shared/inventory-push.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, type ShopifyAdmin } from '../admin.js';

/** Shopify ids are sent as JSON numbers: refuse one that a number cannot carry exactly. */
export const ShopifyId = PlatformId.refine((s) => Number.isSafeInteger(Number(s)), 'a Shopify id within 2^53');

/** A Shopify listing: the variant's inventory item (variant.inventory_item_id), not the variant id. */
export const ShopifyListing = z.object({ inventoryItemId: ShopifyId }).strict();
export type ShopifyListing = z.output<typeof ShopifyListing>;

const SetResponse = z.looseObject({
  inventory_level: z.looseObject({ inventory_item_id: z.number().int(), location_id: z.number().int(), available: z.number().int().nullable() }),
});

/**
 * `POST /admin/api/<version>/inventory_levels/set.json` `{location_id, inventory_item_id,
 * available}`: sets the absolute available quantity of one item at the connector's location.
 */
export async function pushInventory(
  deps: { admin: ShopifyAdmin | null; locationId: string | undefined; listings: Record<string, ShopifyListing> },
  rawInput: unknown,
  ctx: InvokeContext,
): Promise<InventoryPushResult> {
  const { admin, locationId } = deps;
  if (!admin || !locationId) throw AdapterError.rejected(ADAPTER_ID, 'not-configured', 'inventory.push needs adminAccessToken and locationId in the connector config');
  return pushAvailable(ADAPTER_ID, rawInput, ctx, (sku) => deps.listings[sku], async (listing, available) => {
    const body = await admin.post('/inventory_levels/set.json', { location_id: Number(locationId), inventory_item_id: Number(listing.inventoryItemId), available }, ctx);
    parseOrReject(ADAPTER_ID, SetResponse, body, 'inventory_levels/set response');
  });
}
