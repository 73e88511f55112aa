import { z } from 'zod';
import type { RequestScope } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { formatGmt8 } from '../../_shared/signing.js';
import { WDT_EDITION } from '../config.js';
import { wholeUnits } from '../format.js';
import { ADAPTER_ID, type WdtTransport } from '../transport.js';
import { returnsReceivedUltimate } from './returns-received-ultimate.js';

/** WDT serves at most 30 days per call (start_time..end_time, both inclusive). */
const MAX_WINDOW_MS = 30 * 24 * 3600_000;
const PAGE_SIZE = 100;
/** stockin status 80 已完成: the goods are in stock (10 cancelled, 20 editing, 30 awaiting review are not). */
const DONE = '80';

export const ReturnsReceivedInput = z
  .object({
    window: z
      .object({ start: z.coerce.date(), end: z.coerce.date() })
      .strict()
      .refine((w) => w.end.getTime() > w.start.getTime(), 'window.end must be after window.start')
      .refine((w) => w.end.getTime() - w.start.getTime() <= MAX_WINDOW_MS, 'window longer than Wangdiantong allows (30 days)'),
    /** WDT pages count from 0. */
    page: z.number().int().nonnegative().optional(),
  })
  .strict();

export interface ReceivedReturn {
  /** WDT's stock-in number (RK...): the same stock-in read again is the same return. */
  stockinNo: string;
  /** WDT's own return number (RT...), for the timeline. */
  refundNo: string;
  modified: string;
  lines: { tid: string; oid: string; sku: string; qty: number }[];
}

const Text = z.union([z.string(), z.number()]).transform(String);
const Detail = z.looseObject({ tid: Text, oid: Text, spec_no: z.string().min(1), num: z.union([z.string(), z.number()]) });
const Row = z.looseObject({ order_no: Text, src_order_no: Text.optional(), status: z.coerce.number().int(), modified: z.string(), details_list: z.array(Detail).default([]) });
const Body = z.looseObject({ stockin_list: z.array(Row).nullish() });

function units(v: string | number, where: string): number {
  const n = wholeUnits(v);
  if (n === null) throw AdapterError.rejected(ADAPTER_ID, 'bad_response', `stockin_order_query_refund.php: ${where}: not a whole number of units (${String(v)})`);
  return n;
}

/**
 * `stockin_order_query_refund.php` (退货入库单查询, enterprise edition): completed return stock-ins
 * by last-modified window, each with its lines' platform tid/oid and merchant SKU (spec_no).
 * Fields from WDT's published doc page for the call (not in WIRE-FORMATS; UNVERIFIED against a
 * live account). The ultimate edition asks `wms.stockin.Refund.queryWithDetail` for the same
 * (returns-received-ultimate.ts).
 */
export async function returnsReceived(t: WdtTransport, input: z.output<typeof ReturnsReceivedInput>, scope: RequestScope | AbortSignal): Promise<{ returns: ReceivedReturn[]; nextPage: number | null }> {
  if (t.edition !== WDT_EDITION.ENTERPRISE) return returnsReceivedUltimate(t, input, scope);
  const page = input.page ?? 0;
  const raw = await t.enterprise('stockin_order_query_refund.php', { start_time: formatGmt8(input.window.start), end_time: formatGmt8(input.window.end), status: DONE, page_no: String(page), page_size: String(PAGE_SIZE) }, scope);
  const body = Body.safeParse(raw);
  if (!body.success) throw AdapterError.rejected(ADAPTER_ID, 'bad_response', `stockin_order_query_refund.php: ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const rows = body.data.stockin_list ?? [];
  const returns = rows
    .filter((r) => String(r.status) === DONE)
    .map((r) => ({
      stockinNo: r.order_no,
      refundNo: r.src_order_no ?? '',
      modified: r.modified,
      lines: r.details_list.map((d, i) => ({ tid: d.tid, oid: d.oid, sku: d.spec_no, qty: units(d.num, `${r.order_no} details_list[${i}].num`) })),
    }));
  return { returns, nextPage: rows.length === PAGE_SIZE ? page + 1 : null };
}
