import type { RequestScope } from '../../../src/sdk/define.js';
import { z } from 'zod';
import { AdapterError } from '../../../src/sdk/errors.js';
import type { WdtConfig } from '../config.js';
import { parseQuantity } from '../format.js';
import { ADAPTER_ID, type WdtTransport } from '../transport.js';

/** stock.query input: the spec_nos (merchant SKUs) to read, optionally in one warehouse. */
export const QueryStockInput = z
  .object({ skus: z.array(z.string().min(1)).min(1).max(200), warehouse: z.string().min(1).optional() })
  .strict();
export type QueryStockInput = z.output<typeof QueryStockInput>;

export interface StockRow {
  sku: string;
  warehouse: string;
  onHand: number;
  /** WDT's own "available to send", when it says; the hub computes its own availability. */
  available: number | null;
}

const Quantity = z.union([z.number(), z.string()]).transform(parseQuantity);
const Row = z
  .object({
    spec_no: z.string(),
    warehouse_no: z.union([z.string(), z.number()]).transform(String),
    stock_num: Quantity,
    available_send_stock: Quantity.optional(),
    /** 1 = defective goods (残品), never sellable. */
    defect: z.coerce.number().int().optional(),
  })
  .passthrough();
const EnterpriseBody = z.object({ total_count: z.coerce.number().int().optional(), stocks: z.array(Row).nullish() });
const UltimateBody = z.object({ total: z.coerce.number().int().optional(), data: z.array(Row).nullish() });

const ENTERPRISE_PAGE = 100;
const ULTIMATE_PAGE = 1000;
/** A bound on pages per call, so a WMS that keeps answering full pages cannot loop us forever. */
const MAX_PAGES = 50;

const sellable = (r: z.output<typeof Row>) => r.defect !== 1;

function toRow(r: z.output<typeof Row>): StockRow {
  return { sku: r.spec_no, warehouse: r.warehouse_no, onHand: r.stock_num, available: r.available_send_stock ?? null };
}

/** `stock_query.php` (one spec_no per call) / `wms.StockSpec.search` (a list of spec_nos). */
export async function queryStock(t: WdtTransport, config: WdtConfig, input: QueryStockInput, scope: RequestScope | AbortSignal): Promise<StockRow[]> {
  const warehouse = input.warehouse ?? config.warehouseNo;
  const out: StockRow[] = [];
  if (t.edition === 'enterprise') {
    for (const sku of input.skus) {
      for (let page = 0; page < MAX_PAGES; page++) {
        const params: Record<string, string> = { spec_no: sku, page_no: String(page), page_size: String(ENTERPRISE_PAGE) };
        if (warehouse) params['warehouse_no'] = warehouse;
        const body = EnterpriseBody.parse(await t.enterprise('stock_query.php', params, scope));
        const rows = body.stocks ?? [];
        // spec_no is matched exactly: the WMS may match by prefix, and a wrong SKU's stock would oversell.
        out.push(...rows.filter((r) => r.spec_no === sku && sellable(r)).map(toRow));
        if (rows.length < ENTERPRISE_PAGE) break;
        if (page === MAX_PAGES - 1) throw AdapterError.retryable(ADAPTER_ID, 'too_many_pages', `stock_query.php: more than ${MAX_PAGES} pages for ${sku}`);
      }
    }
    return out;
  }
  const params: Record<string, unknown> = { spec_nos: input.skus };
  if (warehouse) params['warehouse_no'] = warehouse;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = UltimateBody.parse(await t.ultimate('wms.StockSpec.search', [params], scope, { pageSize: ULTIMATE_PAGE, pageNo: page, calcTotal: page === 0 }));
    const rows = body.data ?? [];
    out.push(...rows.filter((r) => input.skus.includes(r.spec_no) && sellable(r)).map(toRow));
    if (rows.length < ULTIMATE_PAGE) return out;
  }
  throw AdapterError.retryable(ADAPTER_ID, 'too_many_pages', `wms.StockSpec.search: more than ${MAX_PAGES} pages`);
}
