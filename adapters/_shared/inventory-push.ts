import { z } from 'zod';
import type { InvokeContext } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { parseOrReject } from './platform-http.js';

/**
 * What the stock sync hands every platform's `inventory.push` (workflows/stock-sync.ts): the
 * available figure (on hand - locked, never below zero) of each SKU in one warehouse.
 */
export const InventoryPushInput = z
  .object({
    warehouse: z.string().min(1),
    items: z.array(z.looseObject({ sku: z.string().min(1), available: z.number().int() })),
  })
  .strict();
export type InventoryPushInput = z.output<typeof InventoryPushInput>;

export interface InventoryPushResult {
  /** SKUs whose quantity the platform accepted. */
  pushed: number;
  /** SKUs with no listing in the connector's `listings` table: not on this shop, or not mapped yet. */
  unmapped: string[];
  /** SKUs the platform refused (listing deleted, SKU off shelf...): the rest still went. */
  rejected: { sku: string; code: string; message: string }[];
}

/**
 * Pushes every item of `rawInput` whose SKU `listingOf` knows, one request after another (the
 * platforms' stock APIs take one SKU per call and have per-app quotas). Quantities are absolute,
 * never increments, so a retried push sets the same figure again.
 *
 * Unmapped SKUs are reported and logged, never silently dropped. A refused item is reported and
 * the others still go. A retryable failure (platform down, throttled) stops the push and is
 * thrown: the activity retries the whole push, which is safe because every figure is absolute.
 */
export async function pushAvailable<L>(
  adapter: string,
  rawInput: unknown,
  ctx: InvokeContext,
  listingOf: (sku: string) => L | undefined,
  pushOne: (listing: L, quantity: number, sku: string) => Promise<void>,
): Promise<InventoryPushResult> {
  const input = parseOrReject(adapter, InventoryPushInput, rawInput, 'inventory.push input');
  const result: InventoryPushResult = { pushed: 0, unmapped: [], rejected: [] };
  for (const item of input.items) {
    const listing = listingOf(item.sku);
    if (listing === undefined) {
      result.unmapped.push(item.sku);
      continue;
    }
    try {
      await pushOne(listing, Math.max(0, item.available), item.sku);
      result.pushed++;
    } catch (err) {
      if (err instanceof AdapterError && !err.retryable) result.rejected.push({ sku: item.sku, code: err.code, message: err.message });
      else throw err;
    }
    ctx.heartbeat({ done: result.pushed + result.rejected.length });
  }
  if (result.unmapped.length) ctx.logger.warn({ warehouse: input.warehouse, unmapped: result.unmapped.slice(0, 20), count: result.unmapped.length }, 'inventory.push: SKUs without a listing on this shop were not pushed');
  if (result.rejected.length) ctx.logger.warn({ warehouse: input.warehouse, rejected: result.rejected.slice(0, 20) }, 'inventory.push: the platform refused some SKUs');
  return result;
}

/**
 * The `listings` table of a platform connector's config: merchant SKU -> where it is listed on
 * this shop. Platform ids are strings (Taobao's num_iid and sku_id overflow JS numbers).
 */
export function listingsTable<S extends z.ZodType>(listing: S) {
  return z.record(z.string().min(1), listing).default({}).describe('Merchant SKU -> its listing on this shop, for inventory.push. SKUs not listed here are reported as unmapped.');
}

/** A platform id: digits, kept as a string. */
export const PlatformId = z.string().regex(/^\d+$/, 'digits, as a string (platform ids exceed 2^53)');
