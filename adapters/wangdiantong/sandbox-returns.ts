import { z } from 'zod';
import type { SandboxLog } from '../../src/sandbox/core.js';
import { parseSandboxInput, SandboxTime } from '../../src/sandbox/platform-kit.js';
import { formatGmt8, parseGmt8 } from '../_shared/signing.js';

/**
 * The sandbox warehouse's return stock-ins (退货入库单) as stockin_order_query_refund.php lists
 * them: the world receives a parcel back (`receiveReturn`), the WMS books it completed (status
 * 80) with its lines' platform tid/oid and spec_no, modified at receipt.
 */
export const WdtReturnInput = z
  .object({
    tid: z.string().min(1),
    lines: z.array(z.object({ oid: z.string().min(1), specNo: z.string().min(1), num: z.number().int().positive() }).strict()).min(1),
    logisticsNo: z.string().optional(),
    at: SandboxTime.optional(),
  })
  .strict();
export type WdtReturnInput = z.input<typeof WdtReturnInput>;

const UltimateQuery = z.tuple([z.looseObject({ start_time: z.string(), end_time: z.string(), status: z.string().optional() })]);

interface Stockin {
  stockinId: number;
  orderNo: string;
  refundNo: string;
  tid: string;
  logisticsNo: string;
  modified: Date;
  lines: { oid: string; specNo: string; num: number }[];
}

export function wdtReturns(d: { log: SandboxLog; clock: () => Date }) {
  const stockins: Stockin[] = [];
  return {
    receive(raw: WdtReturnInput): { orderNo: string; refundNo: string } {
      const i = parseSandboxInput(WdtReturnInput, raw, 'wangdiantong sandbox receiveReturn');
      const n = stockins.length + 1;
      const s: Stockin = { stockinId: 2_759_193_026_822_668_000 + n, orderNo: `RK${String(n).padStart(10, '0')}`, refundNo: `RT${String(n).padStart(10, '0')}`, tid: i.tid, logisticsNo: i.logisticsNo ?? '', modified: i.at ?? d.clock(), lines: i.lines };
      stockins.push(s);
      d.log.record('return.received', s.orderNo, { tid: s.tid, units: s.lines.reduce((a, l) => a + l.num, 0) });
      return { orderNo: s.orderNo, refundNo: s.refundNo };
    },
    /** stockin_order_query_refund.php: an error message naming the parameter, or the page. */
    query(p: Readonly<Record<string, string>>): { error: string } | { body: Record<string, unknown> } {
      const start = parseGmt8(p['start_time'] ?? '');
      const end = parseGmt8(p['end_time'] ?? '');
      if (!start || !end) return { error: '时间范围与入库单号不能全部为空' };
      if (end.getTime() - start.getTime() > 30 * 24 * 3600_000 || end < start) return { error: 'start_time和end_time最大跨度为30天' };
      const page = Number(p['page_no'] ?? '0');
      const size = Number(p['page_size'] ?? '40');
      if (!Number.isInteger(page) || page < 0) return { error: 'page_no 不合法' };
      if (!Number.isInteger(size) || size < 1 || size > 100) return { error: 'page_size 不合法' };
      const status = p['status'];
      // WDT keeps seconds: a stock-in booked at 10:00:00.5 is "10:00:00" to the query.
      const secs = (s: Stockin) => Math.floor(s.modified.getTime() / 1000) * 1000;
      const rows = stockins.filter((s) => secs(s) >= start.getTime() && secs(s) <= end.getTime() && (!status || status === '80')).sort((a, b) => a.modified.getTime() - b.modified.getTime());
      d.log.record('stockin_order_query_refund.php', null, { page, total: rows.length });
      const list = rows.slice(page * size, (page + 1) * size).map((s) => ({
        stockin_id: String(s.stockinId),
        status: 80,
        order_no: s.orderNo,
        src_order_no: s.refundNo,
        logistics_no: s.logisticsNo,
        modified: formatGmt8(s.modified),
        stockin_time: formatGmt8(s.modified),
        details_list: s.lines.map((l) => ({ tid: s.tid, oid: l.oid, spec_no: l.specNo, num: `${l.num}.0000`, modified: formatGmt8(s.modified) })),
      }));
      return { body: { message: '', ...(page === 0 ? { total_count: rows.length } : {}), stockin_list: list } };
    },
    /**
     * wms.stockin.Refund.queryWithDetail (ultimate edition): the same stock-ins as the
     * go-marvis/wangdian-sdk-go model shows them (UNVERIFIED): `data.order[]`, numbers as
     * numbers, each line's platform tid/oid on the return order lines behind it.
     */
    queryUltimate(args: unknown, q: URLSearchParams): { error: string } | { body: Record<string, unknown> } {
      const a = UltimateQuery.safeParse(args);
      if (!a.success) return { error: `参数错误: ${a.error.issues[0]?.path.join('.') ?? ''} ${a.error.issues[0]?.message ?? ''}` };
      const p = a.data[0];
      const start = parseGmt8(p.start_time);
      const end = parseGmt8(p.end_time);
      if (!start || !end) return { error: 'start_time和end_time格式为yyyy-MM-dd HH:mm:ss' };
      if (end.getTime() - start.getTime() > 30 * 24 * 3600_000 || end < start) return { error: 'start_time和end_time最大跨度为30天' };
      const page = Number(q.get('page_no') ?? '0');
      const size = Number(q.get('page_size') ?? '40');
      if (!Number.isInteger(page) || page < 0) return { error: 'page_no 不合法' };
      if (!Number.isInteger(size) || size < 1 || size > 100) return { error: 'page_size 不合法' };
      const secs = (s: Stockin) => Math.floor(s.modified.getTime() / 1000) * 1000;
      const rows = stockins.filter((s) => secs(s) >= start.getTime() && secs(s) <= end.getTime() && (!p.status || p.status === '80')).sort((x, y) => x.modified.getTime() - y.modified.getTime());
      d.log.record('wms.stockin.Refund.queryWithDetail', null, { page, total: rows.length });
      const order = rows.slice(page * size, (page + 1) * size).map((s) => ({
        stockin_id: s.stockinId,
        status: 80,
        order_no: s.orderNo,
        src_order_no: s.refundNo,
        refund_no: s.refundNo,
        logistics_no: s.logisticsNo,
        tid_list: s.tid,
        modified: formatGmt8(s.modified),
        check_time: s.modified.getTime(),
        details_list: s.lines.map((l) => ({ spec_no: l.specNo, num: l.num, stockin_num: String(l.num), tid: s.tid, refund_order_detail_list: [{ tid: s.tid, oid: l.oid, spec_no: l.specNo, stockin_num: l.num }] })),
      }));
      return { body: { message: '', data: { order, ...(q.get('calc_total') === '1' ? { total_count: rows.length } : {}) } } };
    },
    all: () => stockins.map((s) => ({ orderNo: s.orderNo, tid: s.tid, modified: s.modified.toISOString(), lines: s.lines })),
  };
}
