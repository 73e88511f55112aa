import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { PLATFORM_MAX_WINDOW_MS, readBackwards, windowInput } from '../../_shared/polling.js';
import { unixSeconds } from '../../_shared/signing.js';
import { ADAPTER_ID, DouyinId, type DouyinTransport } from '../transport.js';
import { fetchOrderDetail } from './order-get.js';

export const DouyinPullInput = z
  .object({ window: windowInput(PLATFORM_MAX_WINDOW_MS.douyin), page: z.number().int().nonnegative().optional() })
  .strict();

const SearchData = z.looseObject({
  total: z.coerce.number().int().nonnegative(),
  shop_order_list: z.array(z.looseObject({ order_id: DouyinId })).nullish(),
});

export interface DouyinPullDeps {
  transport: DouyinTransport;
  pageSize: number;
}

/**
 * `order.searchList` by update time (unix seconds, pages from 0), then `order.orderDetail` per
 * shop order. Read from the last page back like TOP/PDD (see polling.ts lastPage): page 0 first
 * only to learn the total. Each order is returned as `{data: {shop_order_detail}}`, which the
 * douyin/order.v1 mapping accepts.
 */
export async function pullOrders(deps: DouyinPullDeps, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, DouyinPullInput, rawInput, 'order.pull input');
  const list = async (page: number) => {
    const data = await deps.transport.call(
      'order.searchList',
      { update_time_start: unixSeconds(input.window.start), update_time_end: unixSeconds(input.window.end), order_by: 'update_time', page, size: deps.pageSize },
      ctx,
    );
    const r = parseOrReject(ADAPTER_ID, SearchData, data, 'order.searchList response');
    return { total: r.total, ids: (r.shop_order_list ?? []).map((o) => o.order_id) };
  };
  const { page, result, next } = await readBackwards(input.page, deps.pageSize, 0, list);
  const ids = result.ids;
  const orders: unknown[] = [];
  for (const id of new Set(ids)) {
    orders.push(await fetchOrderDetail(deps.transport, id, ctx));
    ctx.heartbeat({ page, orderId: id });
  }
  const nextPage = next;
  return { orders, nextPage, highWater: nextPage === null ? input.window.end.toISOString() : null };
}
