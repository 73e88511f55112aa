import { z } from 'zod';
import type { InvokeContext, RequestScope } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, DouyinId, type DouyinTransport } from '../transport.js';

export const DouyinGetInput = z.object({ orderId: DouyinId }).strict();

const DetailData = z.looseObject({ shop_order_detail: z.looseObject({ order_id: DouyinId }) });

/**
 * `order.orderDetail` for one shop order, as `{data: {shop_order_detail}}`: the document the
 * douyin/order.v1 mapping reads, whether the order came from a pull or a push.
 */
export async function fetchOrderDetail(transport: DouyinTransport, orderId: string, scope: RequestScope | AbortSignal): Promise<{ data: z.output<typeof DetailData> }> {
  const data = await transport.call('order.orderDetail', { shop_order_id: orderId }, scope);
  return { data: parseOrReject(ADAPTER_ID, DetailData, data, 'order.orderDetail response') };
}

/**
 * order.get: Douyin's push names the order (tag + `p_id`) but carries none of it, so the hub
 * fetches the detail before intake.
 */
export async function getOrder(transport: DouyinTransport, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, DouyinGetInput, rawInput, 'order.get input');
  return fetchOrderDetail(transport, input.orderId, ctx);
}
