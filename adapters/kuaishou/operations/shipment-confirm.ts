import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, HTTP_METHOD, KuaishouId, type KuaishouTransport } from '../transport.js';

export const KuaishouShipInput = z
  .object({
    orderId: KuaishouId,
    trackingNumber: z.string().min(1),
    /** Kuaishou's numeric express company code (物流公司编号, open.express list), e.g. "4". */
    carrierCode: z.string().regex(/^\d+$/, 'the numeric Kuaishou express company code, as a string'),
  })
  .strict();

/**
 * `open.seller.order.goods.deliver` (POST): orderId, expressNo, expressCode (an integer). The
 * request fields are the Java SDK's OpenSellerOrderGoodsDeliverRequest as the Python SDK models
 * it (src/kwaixiaodian/models/order.py OrderShipRequest).
 */
export async function confirmShipment(transport: KuaishouTransport, rawInput: unknown, ctx: InvokeContext): Promise<{ confirmed: true }> {
  const input = parseOrReject(ADAPTER_ID, KuaishouShipInput, rawInput, 'shipment.confirm input');
  await transport.call('open.seller.order.goods.deliver', { orderId: BigInt(input.orderId), expressNo: input.trackingNumber, expressCode: Number(input.carrierCode) }, HTTP_METHOD.POST, ctx);
  return { confirmed: true };
}
