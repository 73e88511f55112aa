import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { pushAvailable, type InventoryPushResult } from '../../_shared/inventory-push.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import type { AmazonListing } from '../constants.js';
import { ADAPTER_ID, type SpApiTransport } from '../transport.js';

/** patchListingsItem's answer (ListingsItemSubmissionResponse): INVALID means the patch was refused. */
const SubmissionResponse = z.looseObject({
  sku: z.string(),
  status: z.string(),
  submissionId: z.string().optional(),
  issues: z.array(z.looseObject({ code: z.string(), message: z.string(), severity: z.string() })).optional(),
});

/**
 * Listings Items API 2021-08-01 `patchListingsItem`:
 * `PATCH /listings/2021-08-01/items/{sellerId}/{sku}?marketplaceIds=...` with
 * `{productType, patches: [{op: "replace", path: "/attributes/fulfillment_availability",
 * value: [{fulfillment_channel_code: "DEFAULT", quantity}]}]}`: the seller-fulfilled quantity
 * becomes `quantity` (absolute). FBA stock is Amazon's own and is not pushed. Amazon validates
 * asynchronously: ACCEPTED means queued, so a later processing issue shows in Seller Central,
 * not here. 404 (unknown SKU) and 400 are rejected per SKU; 429/5xx retryable (transport).
 */
export async function pushInventory(
  deps: { transport: SpApiTransport; sellerId: string | undefined; marketplaceIds: string[]; listings: Record<string, AmazonListing> },
  rawInput: unknown,
  ctx: InvokeContext,
): Promise<InventoryPushResult> {
  const { transport, sellerId } = deps;
  if (!sellerId) throw AdapterError.rejected(ADAPTER_ID, 'not-configured', 'inventory.push needs sellerId in the connector config');
  return pushAvailable(ADAPTER_ID, rawInput, ctx, (sku) => deps.listings[sku], async (listing, quantity) => {
    const path = `/listings/2021-08-01/items/${encodeURIComponent(sellerId)}/${encodeURIComponent(listing.sellerSku)}`;
    const body = await transport.request(
      'PATCH',
      path,
      new URLSearchParams({ marketplaceIds: deps.marketplaceIds.join(',') }),
      { productType: listing.productType, patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity }] }] },
      // The whole context: each SKU's request spends its own rate-limit token (patchListingsItem).
      ctx,
    );
    const r = parseOrReject(ADAPTER_ID, SubmissionResponse, body, 'patchListingsItem response');
    if (r.status === 'INVALID') {
      const err = r.issues?.find((i) => i.severity === 'ERROR') ?? r.issues?.[0];
      throw AdapterError.rejected(ADAPTER_ID, err?.code ?? 'listing-invalid', `patchListingsItem ${listing.sellerSku}: INVALID${err ? ` ${err.code}: ${err.message}` : ''}`);
    }
  });
}
