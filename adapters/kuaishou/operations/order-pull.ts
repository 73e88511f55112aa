import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { windowInput } from '../../_shared/polling.js';
import { KUAISHOU_MAX_WINDOW_MS } from '../polling.js';
import { ADAPTER_ID, HTTP_METHOD, type KuaishouTransport } from '../transport.js';
import { KuaishouOrder } from './order-get.js';

export const KuaishouPullInput = z
  .object({
    window: windowInput(KUAISHOU_MAX_WINDOW_MS),
    /** The `cursor` the previous page returned; absent for the first page. */
    page: z.string().min(1).optional(),
  })
  .strict();

const ListData = z.looseObject({ cursor: z.string().nullish(), orderList: z.array(KuaishouOrder).nullish() });

/** The cursor value that says there is no further page. UNVERIFIED: seen in Kuaishou cursor APIs' docs and SDK examples, not on this API's page. */
export const KUAISHOU_NO_MORE = 'nomore';

/** `queryType` 2: the window is on update time; `orderViewStatus` 1: every status; `sort` 1 (UNVERIFIED values, see docs/wire-formats/kuaishou.md). */
const QUERY = { orderViewStatus: 1, queryType: 2, sort: 1 } as const;

export interface KuaishouPullDeps {
  transport: KuaishouTransport;
  pageSize: number;
}

/**
 * `open.order.cursor.list` (GET) by update time in epoch milliseconds, continued with the
 * server's `cursor`. Each row is a whole order (orderBaseInfo, orderItemInfo, orderAddress...),
 * the document the kuaishou/order.v1 mapping reads, so no detail call per order is needed.
 */
export async function pullOrders(deps: KuaishouPullDeps, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, KuaishouPullInput, rawInput, 'order.pull input');
  const data = await deps.transport.call(
    'open.order.cursor.list',
    { ...QUERY, pageSize: deps.pageSize, beginTime: input.window.start.getTime(), endTime: input.window.end.getTime(), cursor: input.page ?? '' },
    HTTP_METHOD.GET,
    ctx,
  );
  const list = parseOrReject(ADAPTER_ID, ListData, data, 'open.order.cursor.list response');
  const orders = list.orderList ?? [];
  ctx.heartbeat({ page: input.page ?? null, orders: orders.length });
  const nextPage = orders.length > 0 && list.cursor && list.cursor !== KUAISHOU_NO_MORE ? list.cursor : null;
  return { orders, nextPage, highWater: nextPage === null ? input.window.end.toISOString() : null };
}
