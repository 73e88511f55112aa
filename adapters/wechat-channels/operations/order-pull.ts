import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { windowInput } from '../../_shared/polling.js';
import { unixSeconds } from '../../_shared/signing.js';
import { ADAPTER_ID, WeChatId, type WeChatTransport } from '../transport.js';
import { WECHAT_MAX_WINDOW_MS } from '../polling.js';
import { fetchOrder } from './order-get.js';

export const WeChatPullInput = z
  .object({
    window: windowInput(WECHAT_MAX_WINDOW_MS),
    /** The `next_key` the previous page returned; absent for the first page. */
    page: z.string().min(1).optional(),
  })
  .strict();

const ListReply = z.looseObject({
  order_id_list: z.array(WeChatId).nullish(),
  next_key: z.string().nullish(),
  has_more: z.boolean().nullish(),
});

export interface WeChatPullDeps {
  transport: WeChatTransport;
  pageSize: number;
}

/**
 * `/channels/ec/order/list/get` by update time (unix seconds, at most 7 days apart), one page of
 * order ids per call continued with the server's `next_key`, then `/channels/ec/order/get` per id.
 * The next page is that key while `has_more` says so.
 */
export async function pullOrders(deps: WeChatPullDeps, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, WeChatPullInput, rawInput, 'order.pull input');
  const reply = await deps.transport.call(
    '/channels/ec/order/list/get',
    { update_time_range: { start_time: unixSeconds(input.window.start), end_time: unixSeconds(input.window.end) }, page_size: deps.pageSize, ...(input.page ? { next_key: input.page } : {}) },
    ctx,
  );
  const list = parseOrReject(ADAPTER_ID, ListReply, reply, 'order/list/get response');
  const orders: unknown[] = [];
  for (const id of new Set(list.order_id_list ?? [])) {
    orders.push(await fetchOrder(deps.transport, id, ctx));
    ctx.heartbeat({ page: input.page ?? null, orderId: id });
  }
  const nextPage = list.has_more && list.next_key ? list.next_key : null;
  return { orders, nextPage, highWater: nextPage === null ? input.window.end.toISOString() : null };
}
