import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, HTTP_METHOD, KuaishouId, type KuaishouTransport } from '../transport.js';

export const KuaishouGetInput = z.object({ orderId: KuaishouId }).strict();

/** The order document of open.order.detail and of each open.order.cursor.list row: what the mapping reads. */
export const KuaishouOrder = z.looseObject({ orderBaseInfo: z.looseObject({ oid: KuaishouId }), orderItemInfo: z.looseObject({}) });

/** order.get: `open.order.detail` (GET, `oid`); order messages carry only the id in `bizId`. */
export async function getOrder(transport: KuaishouTransport, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, KuaishouGetInput, rawInput, 'order.get input');
  const data = await transport.call('open.order.detail', { oid: BigInt(input.orderId) }, HTTP_METHOD.GET, ctx);
  return parseOrReject(ADAPTER_ID, KuaishouOrder, data, 'open.order.detail response');
}
