import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { PLATFORM_MAX_WINDOW_MS, readBackwards, windowInput } from '../../_shared/polling.js';
import { formatGmt8 } from '../../_shared/signing.js';
import { ADAPTER_ID, TopId, type TopTransport } from '../transport.js';

export const TOP_REFUNDS_RECEIVE = 'taobao.refunds.receive.get';

/** What src/after-sales/platforms/taobao-pulled.ts reads (WIRE-FORMATS §3). */
export const REFUND_FIELDS = ['refund_id', 'tid', 'oid', 'status', 'refund_fee', 'total_fee', 'has_good_return', 'good_status', 'reason', 'created', 'modified', 'refund_phase', 'sid', 'company_name'].join(',');

export const TopRefundPullInput = z
  .object({ window: windowInput(PLATFORM_MAX_WINDOW_MS.taobao), page: z.number().int().positive().optional() })
  .strict();

const Body = z.object({
  refunds_receive_get_response: z.looseObject({
    total_results: z.coerce.number().int().nonnegative(),
    // TOP omits the list altogether on an empty page.
    refunds: z.object({ refund: z.array(z.looseObject({ refund_id: TopId })).default([]) }).optional(),
  }),
});

/**
 * `taobao.refunds.receive.get` (the seller's received refunds) by modified window, without
 * `status` so every status comes in one list (TOP takes one status per call; that an absent
 * status means all of them is UNVERIFIED). Read from the last page back like the trade
 * increments. This is the pull the hub uses instead of TMC's websocket channel: a TMC consumer
 * would hand taobao_refund_* messages to src/after-sales/platforms/taobao.ts instead.
 */
export async function pullRefunds(deps: { transport: TopTransport; pageSize: number }, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, TopRefundPullInput, rawInput, 'aftersales.pull input');
  const list = async (page: number) => {
    const body = await deps.transport.call(
      TOP_REFUNDS_RECEIVE,
      { fields: REFUND_FIELDS, start_modified: formatGmt8(input.window.start), end_modified: formatGmt8(input.window.end), page_no: String(page), page_size: String(deps.pageSize), use_has_next: 'false' },
      ctx,
    );
    const r = parseOrReject(ADAPTER_ID, Body, body, `${TOP_REFUNDS_RECEIVE} response`).refunds_receive_get_response;
    return { total: r.total_results, refunds: r.refunds?.refund ?? [] };
  };
  const { page, result, next } = await readBackwards(input.page, deps.pageSize, 1, list);
  const refunds = result.refunds;
  ctx.heartbeat({ page });
  return { refunds, nextPage: next };
}
