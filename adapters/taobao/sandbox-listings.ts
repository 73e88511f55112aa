import { z } from 'zod';
import { parseSandboxInput } from '../../src/sandbox/platform-kit.js';
import type { TaobaoListing } from './operations/inventory-push.js';

/** Where the sandbox's TOP router listens, as on eco.taobao.com. */
export const TOP_ROUTER_PATH = '/router/rest';

export const TaobaoListingInput = z
  .object({
    sku: z.string().min(1).describe("the SKU's merchant code (outer_id)"),
    numIid: z.string().regex(/^\d+$/).optional(),
    skuId: z.string().regex(/^\d+$/).optional(),
    quantity: z.number().int().nonnegative().default(0),
  })
  .strict();
export type TaobaoListingInput = z.input<typeof TaobaoListingInput>;

export interface TopSku {
  sku: string;
  numIid: string;
  skuId: string;
  quantity: number;
}

/**
 * The shop's items: each merchant SKU is one sku_id on an item (num_iid). Unknown SKUs get ids
 * of their own when an order first names them, so every line and every stock push has a target.
 */
export class TopListings {
  private readonly bySku = new Map<string, TopSku>();
  private next = 1;

  list(raw: TaobaoListingInput): TopSku {
    const l = parseSandboxInput(TaobaoListingInput, raw, 'taobao sandbox listItem');
    const n = this.next++;
    const entry = { sku: l.sku, numIid: l.numIid ?? String(680_000_000_000 + n), skuId: l.skuId ?? String(5_000_000_000_000 + n), quantity: l.quantity };
    this.bySku.set(l.sku, entry);
    return { ...entry };
  }

  ensure(sku: string): TopSku {
    return this.bySku.get(sku) ?? this.list({ sku });
  }

  /** The SKU taobao.item.quantity.update addresses: num_iid plus sku_id, or plus outer_id. */
  find(numIid: string, skuId: string | undefined, outerId: string | undefined): TopSku | 'no-item' | 'no-sku' {
    const onItem = [...this.bySku.values()].filter((s) => s.numIid === numIid);
    if (onItem.length === 0) return 'no-item';
    const hit = skuId !== undefined ? onItem.find((s) => s.skuId === skuId) : outerId !== undefined ? onItem.find((s) => s.sku === outerId) : onItem.length === 1 ? onItem[0] : undefined;
    return hit ?? 'no-sku';
  }

  itemTotal(numIid: string): number {
    return [...this.bySku.values()].filter((s) => s.numIid === numIid).reduce((a, s) => a + s.quantity, 0);
  }

  skusOf(numIid: string): TopSku[] {
    return [...this.bySku.values()].filter((s) => s.numIid === numIid);
  }

  /** The adapter's `listings` table for every SKU known here. */
  connectorListings(): Record<string, TaobaoListing> {
    return Object.fromEntries([...this.bySku.values()].map((s) => [s.sku, { numIid: s.numIid, skuId: s.skuId }]));
  }
}
