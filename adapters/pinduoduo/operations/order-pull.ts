import { ERROR_CODE } from '../../../src/sdk/error-codes.js';
import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { PLATFORM_MAX_WINDOW_MS, PLATFORM_POLLING, readBackwards, windowInput } from '../../_shared/polling.js';
import { unixSeconds } from '../../_shared/signing.js';
import { ADAPTER_ID, type PddTransport } from '../transport.js';

export const PddPullInput = z
  .object({ window: windowInput(PLATFORM_MAX_WINDOW_MS.pinduoduo), page: z.number().int().positive().optional() })
  .strict();

const IncrementBody = z.object({
  order_sn_increment_get_response: z.looseObject({
    total_count: z.coerce.number().int().nonnegative(),
    order_sn_list: z.array(z.looseObject({ order_sn: z.string().min(1) })).nullish(),
  }),
});
const InfoBody = z.looseObject({ order_info_get_response: z.looseObject({ order_info: z.looseObject({ order_sn: z.string().min(1) }) }) });

export interface PddPullDeps {
  transport: PddTransport;
  pageSize: number;
  now(): Date;
}

/**
 * `pdd.order.number.list.increment.get` (all statuses, all refund states), read from the last
 * page back (see polling.ts lastPage), then `pdd.order.information.get` per order_sn. PDD
 * refuses a window ending less than 3 minutes before its clock, so such a window is refused
 * here, as rejected input, before a call is spent on it.
 */
export async function pullOrders(deps: PddPullDeps, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, PddPullInput, rawInput, 'order.pull input');
  if (input.window.end.getTime() > deps.now().getTime() - PLATFORM_POLLING.pinduoduo.minLagMs) {
    throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.INVALID_INPUT, 'order.pull input: window.end must be at least 3 minutes before now');
  }
  const list = async (page: number) => {
    const body = await deps.transport.call(
      'pdd.order.number.list.increment.get',
      {
        start_updated_at: String(unixSeconds(input.window.start)),
        end_updated_at: String(unixSeconds(input.window.end)),
        // 5 = every order status / every refund status; is_lucky_flag 0 = lucky-draw orders too
        order_status: '5',
        refund_status: '5',
        is_lucky_flag: '0',
        page: String(page),
        page_size: String(deps.pageSize),
        use_has_next: 'false',
      },
      ctx,
    );
    const r = parseOrReject(ADAPTER_ID, IncrementBody, body, 'pdd.order.number.list.increment.get response').order_sn_increment_get_response;
    return { total: r.total_count, sns: (r.order_sn_list ?? []).map((o) => o.order_sn) };
  };
  const { page, result, next } = await readBackwards(input.page, deps.pageSize, 1, list);
  const sns = result.sns;
  const orders: unknown[] = [];
  for (const sn of new Set(sns)) {
    const body = await deps.transport.call('pdd.order.information.get', { order_sn: sn }, ctx);
    orders.push(parseOrReject(ADAPTER_ID, InfoBody, body, 'pdd.order.information.get response'));
    ctx.heartbeat({ page, orderSn: sn });
  }
  const nextPage = next;
  return { orders, nextPage, highWater: nextPage === null ? input.window.end.toISOString() : null };
}
