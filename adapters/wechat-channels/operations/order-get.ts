import { z } from 'zod';
import type { InvokeContext, RequestScope } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, WeChatId, type WeChatTransport } from '../transport.js';

export const WeChatGetInput = z.object({ orderId: WeChatId }).strict();

const ProductInfo = z.looseObject({ product_id: WeChatId, sku_id: WeChatId, sku_cnt: z.number().int().positive() });
const GetReply = z.looseObject({ order: z.looseObject({ order_id: WeChatId, order_detail: z.looseObject({ product_infos: z.array(ProductInfo).min(1) }) }) });
export type WeChatOrder = z.output<typeof GetReply>['order'];

/**
 * `/channels/ec/order/get` for one order, as `{order}`: the document the wechat-channels/order.v1
 * mapping reads, whether the order came from a pull or a push.
 */
export async function fetchOrder(transport: WeChatTransport, orderId: string, scope: RequestScope | AbortSignal): Promise<{ order: WeChatOrder }> {
  const reply = await transport.call('/channels/ec/order/get', { order_id: orderId }, scope);
  return { order: parseOrReject(ADAPTER_ID, GetReply, reply, 'order/get response').order };
}

/** order.get: every order event names the order (`order_info.order_id`) and carries nothing else of it. */
export async function getOrder(transport: WeChatTransport, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, WeChatGetInput, rawInput, 'order.get input');
  return fetchOrder(transport, input.orderId, ctx);
}
