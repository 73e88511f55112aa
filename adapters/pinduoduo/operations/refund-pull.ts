import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { PLATFORM_MAX_WINDOW_MS, readBackwards, windowInput } from '../../_shared/polling.js';
import { unixSeconds } from '../../_shared/signing.js';
import { ADAPTER_ID, type PddTransport } from '../transport.js';

export const PDD_REFUND_INCREMENT = 'pdd.refund.list.increment.get';

export const PddRefundPullInput = z
  .object({ window: windowInput(PLATFORM_MAX_WINDOW_MS.pinduoduo), page: z.number().int().positive().optional() })
  .strict();

const Body = z.object({
  refund_increment_get_response: z.looseObject({
    total_count: z.coerce.number().int().nonnegative(),
    refund_list: z.array(z.looseObject({ id: z.union([z.string(), z.number()]) })).nullish(),
  }),
});

/**
 * `pdd.refund.list.increment.get` over one update window: every after-sales type (1) and status
 * (1), read from the last page back like the order increments (a refund updated while we page
 * moves to the end of the list; reading backwards repeats a row, never skips one). Records are
 * handed on as PDD sent them: src/after-sales/platforms/pinduoduo.ts reads their fields.
 */
export async function pullRefunds(deps: { transport: PddTransport; pageSize: number }, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, PddRefundPullInput, rawInput, 'aftersales.pull input');
  const list = async (page: number) => {
    const body = await deps.transport.call(
      PDD_REFUND_INCREMENT,
      {
        after_sales_type: '1',
        after_sales_status: '1',
        start_updated_at: String(unixSeconds(input.window.start)),
        end_updated_at: String(unixSeconds(input.window.end)),
        page: String(page),
        page_size: String(deps.pageSize),
      },
      ctx,
    );
    const r = parseOrReject(ADAPTER_ID, Body, body, `${PDD_REFUND_INCREMENT} response`).refund_increment_get_response;
    return { total: r.total_count, refunds: r.refund_list ?? [] };
  };
  const { page, result, next } = await readBackwards(input.page, deps.pageSize, 1, list);
  const refunds = result.refunds;
  ctx.heartbeat({ page });
  return { refunds, nextPage: next };
}
