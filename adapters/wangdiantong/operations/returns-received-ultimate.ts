import { z } from 'zod';
import type { RequestScope } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { formatGmt8 } from '../../_shared/signing.js';
import { wholeUnits } from '../format.js';
import { ADAPTER_ID, type WdtTransport } from '../transport.js';
import type { ReceivedReturn } from './returns-received.js';

export const ULTIMATE_RETURNS_METHOD = 'wms.stockin.Refund.queryWithDetail';
const PAGE_SIZE = 100;
/** stockin status 80 已完成 (10 已取消, 20 编辑中, 30 待审核 are not in stock yet). */
const DONE = 80;

const Text = z.union([z.string(), z.number()]).transform(String);
/** The return order lines a stock-in line fulfils: they carry the platform tid/oid. */
const RefundLine = z.looseObject({ tid: Text.optional(), oid: Text.optional() });
const Detail = z.looseObject({ spec_no: z.string().min(1), num: z.union([z.string(), z.number()]), tid: Text.optional(), refund_order_detail_list: z.array(RefundLine).nullish() });
const Order = z.looseObject({
  order_no: Text,
  src_order_no: Text.optional(),
  refund_no: Text.optional(),
  status: z.coerce.number().int(),
  modified: z.string(),
  details_list: z.array(Detail).default([]),
});
const Body = z.looseObject({ data: z.looseObject({ order: z.array(Order).nullish(), total_count: z.coerce.number().int().optional() }).nullish() });

function units(v: string | number, where: string): number {
  const n = wholeUnits(v);
  if (n === null) throw AdapterError.rejected(ADAPTER_ID, 'bad_response', `${ULTIMATE_RETURNS_METHOD}: ${where}: not a whole number of units (${String(v)})`);
  return n;
}

/**
 * The ultimate edition's (旗舰版) return stock-in query, beside the enterprise edition's
 * stockin_order_query_refund.php: completed stock-ins (status 80) by modified time (time_type 0),
 * paged from 0, `data.order[]` each with `details_list[]` (spec_no, num, tid) and the return
 * order lines behind each (`refund_order_detail_list[]{tid, oid}`). Fields from the
 * go-marvis/wangdian-sdk-go model of this method (not in WIRE-FORMATS; UNVERIFIED against a live
 * account). A line whose platform tid is nowhere cannot be matched to an order: refused by name.
 */
export async function returnsReceivedUltimate(t: WdtTransport, input: { window: { start: Date; end: Date }; page?: number | undefined }, scope: RequestScope | AbortSignal): Promise<{ returns: ReceivedReturn[]; nextPage: number | null }> {
  const page = input.page ?? 0;
  const raw = await t.ultimate(ULTIMATE_RETURNS_METHOD, [{ start_time: formatGmt8(input.window.start), end_time: formatGmt8(input.window.end), status: String(DONE), time_type: 0 }], scope, { pageSize: PAGE_SIZE, pageNo: page, calcTotal: false });
  const body = Body.safeParse(raw);
  if (!body.success) throw AdapterError.rejected(ADAPTER_ID, 'bad_response', `${ULTIMATE_RETURNS_METHOD}: ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const rows = body.data.data?.order ?? [];
  const returns = rows
    .filter((r) => r.status === DONE)
    .map((r) => ({
      stockinNo: r.order_no,
      refundNo: r.src_order_no ?? r.refund_no ?? '',
      modified: r.modified,
      lines: r.details_list.map((d, i) => {
        const behind = d.refund_order_detail_list?.[0];
        const tid = d.tid ?? behind?.tid;
        if (!tid) throw AdapterError.rejected(ADAPTER_ID, 'bad_response', `${ULTIMATE_RETURNS_METHOD}: ${r.order_no} details_list[${i}].tid: missing (nor in refund_order_detail_list)`);
        return { tid, oid: behind?.oid ?? '', sku: d.spec_no, qty: units(d.num, `${r.order_no} details_list[${i}].num`) };
      }),
    }));
  return { returns, nextPage: rows.length === PAGE_SIZE ? page + 1 : null };
}
