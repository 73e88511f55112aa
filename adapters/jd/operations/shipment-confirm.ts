import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, jdBusinessFailure, type JdTransport } from '../transport.js';

export const JdShipInput = z
  .object({
    // JOS takes orderId as a Java long; JD order ids are far below 2^53, so a JSON number is exact.
    orderId: z.string().regex(/^\d+$/).refine((s) => Number.isSafeInteger(Number(s)), 'a JD orderId below 2^53'),
    trackingNumber: z.string().min(1),
    /** JD logistics company id (logiCoprId, from jingdong.ldop.alpha.provider.query or the seller backend). */
    carrierCode: z.string().min(1),
  })
  .strict();

const ShipResult = z.looseObject({
  sopjosshipment_result: z.looseObject({
    success: z.boolean(),
    chineseErr: z.string().optional(),
    englishErr: z.string().optional(),
    errorCode: z.union([z.string(), z.number()]).transform(String).optional(),
    code: z.string().optional(),
  }),
});

/**
 * `jingdong.pop.order.shipment`: orderId (long), logiCoprId, logiNo; the verdict is
 * sopjosshipment_result {success, errorCode} (WIRE-FORMATS section 1, from PopOrderShipmentRequest).
 * The JOS sandbox refused the `order_id` this sent before.
 */
export async function confirmShipment(transport: JdTransport, rawInput: unknown, ctx: InvokeContext): Promise<{ confirmed: true }> {
  const input = parseOrReject(ADAPTER_ID, JdShipInput, rawInput, 'shipment.confirm input');
  const inner = await transport.call('jingdong.pop.order.shipment', { orderId: Number(input.orderId), logiCoprId: input.carrierCode, logiNo: input.trackingNumber }, ctx);
  const r = parseOrReject(ADAPTER_ID, ShipResult, inner, 'jingdong.pop.order.shipment response').sopjosshipment_result;
  const failure = jdBusinessFailure('jingdong.pop.order.shipment', { ...r, code: r.errorCode ?? r.code });
  if (failure) throw failure;
  return { confirmed: true };
}
