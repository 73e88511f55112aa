import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { PlatformId, pushAvailable, type InventoryPushResult } from '../../_shared/inventory-push.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, jdBusinessFailure, type JdTransport } from '../transport.js';

const METHOD = 'jingdong.stock.write.updateSkuStock';

/**
 * Where a merchant SKU is listed on this JD shop: its JD skuId. The SDKs send skuId as a JSON
 * number (Java Long), so it must be a safe integer; JD sku ids are far below 2^53.
 */
export const JdListing = z
  .object({ skuId: PlatformId.refine((s) => Number.isSafeInteger(Number(s)), 'a JD skuId below 2^53').describe('the JD skuId') })
  .strict();
export type JdListing = z.output<typeof JdListing>;

/**
 * Inside `jingdong_stock_write_updateSkuStock_responce`: the SDKs' StockWriteUpdateSkuStockResponse
 * reads `success` (plus the gateway's code / zh_desc / en_desc). UNVERIFIED: the JSON spelling of
 * the flag is inferred from the Java SDK getter; a body without it is refused, never counted.
 */
const UpdateResult = z.looseObject({
  success: z.boolean(),
  code: z.union([z.string(), z.number()]).transform(String).optional(),
  zh_desc: z.string().optional(),
  en_desc: z.string().optional(),
});

/**
 * `jingdong.stock.write.updateSkuStock` per SKU: skuId and stockNum, the SKU's total sellable
 * stock (an overwrite, so a retried push is harmless). Method and parameter names from the JOS
 * SDKs (StockWriteUpdateSkuStockRequest: skuId, stockNum, optional storeId, unused here).
 * success=false is reported for the SKU (retryable only when the text says busy / timeout).
 */
export async function pushInventory(transport: JdTransport, listings: Readonly<Record<string, JdListing>>, rawInput: unknown, ctx: InvokeContext): Promise<InventoryPushResult> {
  return pushAvailable(ADAPTER_ID, rawInput, ctx, (sku) => listings[sku], async (l, quantity) => {
    const inner = await transport.call(METHOD, { skuId: Number(l.skuId), stockNum: quantity }, ctx); // ctx: each SKU's request spends its own rate-limit token
    const r = parseOrReject(ADAPTER_ID, UpdateResult, inner, `${METHOD} response`);
    const failure = jdBusinessFailure(METHOD, { success: r.success, code: r.code, chineseErr: r.zh_desc, englishErr: r.en_desc });
    if (failure) throw failure;
  });
}
