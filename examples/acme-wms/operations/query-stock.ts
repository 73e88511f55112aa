import { z } from 'zod';
import { parseOrReject } from '../../../adapters/_shared/platform-http.js';
import type { InvokeContext } from '../../../src/sdk/define.js';
import type { AcmeConfig } from '../index.js';
import { ADAPTER_ID, type AcmeTransport } from '../transport.js';

const StockInput = z.object({ skus: z.array(z.string().min(1)).min(1) });
const StockReply = z.object({ items: z.array(z.object({ sku: z.string(), onHand: z.number().int() })) });

/** stock.query: on-hand quantities of the SKUs asked for, in one request. */
export async function queryStock(t: AcmeTransport, config: AcmeConfig, input: unknown, ctx: InvokeContext): Promise<{ sku: string; onHand: number }[]> {
  const i = parseOrReject(ADAPTER_ID, StockInput, input, 'stock.query input');
  const body = await t.post('/stock', { warehouse: config.warehouse, skus: i.skus }, ctx, ctx.idempotencyKey);
  return parseOrReject(ADAPTER_ID, StockReply, body, '/stock answer').items;
}
