import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, jdBusinessFailure, type JdTransport } from '../transport.js';

export const JdShipInput = z
  .object({
    orderId: z.string().regex(/^\d+$/),
    trackingNumber: z.string().min(1),
    /** JD logistics company id (logiCoprId, from jingdong.ldop.alpha.provider.query or the seller backend). */
    carrierCode: z.string().min(1),
  })
  .strict();

const ShipResult = z.looseObject({
  sopjosshipment_result: z.looseObject({ success: z.boolean(), chineseErr: z.string().optional(), englishErr: z.string().optional(), code: z.string().optional() }),
});

/** `jingdong.pop.order.shipment` (UNVERIFIED names: order_id, logiCoprId, logiNo; result sopjosshipment_result). */
export async function confirmShipment(transport: JdTransport, rawInput: unknown, ctx: InvokeContext): Promise<{ confirmed: true }> {
  const input = parseOrReject(ADAPTER_ID, JdShipInput, rawInput, 'shipment.confirm input');
  const inner = await transport.call('jingdong.pop.order.shipment', { order_id: input.orderId, logiCoprId: input.carrierCode, logiNo: input.trackingNumber }, ctx);
  const failure = jdBusinessFailure('jingdong.pop.order.shipment', parseOrReject(ADAPTER_ID, ShipResult, inner, 'jingdong.pop.order.shipment response').sopjosshipment_result);
  if (failure) throw failure;
  return { confirmed: true };
}
