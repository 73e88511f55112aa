import { z } from 'zod';

/** Values the definition needs without loading the implementation (see taobao/constants.ts). */
export const ADAPTER_ID = 'amazon';

/**
 * An Amazon listing for inventory.push: the seller SKU on Amazon (often the merchant SKU itself)
 * and the listing's product type, which patchListingsItem requires (e.g. HOME_BED_AND_BATH).
 */
export const AmazonListing = z.object({ sellerSku: z.string().min(1).max(40), productType: z.string().regex(/^[A-Z0-9_]+$/, 'an Amazon product type such as LUGGAGE') }).strict();
export type AmazonListing = z.output<typeof AmazonListing>;
