import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, type PddTransport } from '../transport.js';

export const PddShipInput = z
  .object({
    orderId: z.string().min(1),
    trackingNumber: z.string().min(1),
    /** PDD numeric logistics_id (pdd.logistics.companies.get). */
    carrierCode: z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).transform(String),
  })
  .strict();

const SendBody = z.object({
  logistics_online_send_response: z.looseObject({ is_success: z.union([z.boolean(), z.number()]).transform((v) => v === true || v === 1) }),
});

/** `pdd.logistics.online.send`: order_sn, logistics_id, tracking_number. */
export async function confirmShipment(transport: PddTransport, rawInput: unknown, ctx: InvokeContext): Promise<{ confirmed: true }> {
  const input = parseOrReject(ADAPTER_ID, PddShipInput, rawInput, 'shipment.confirm input');
  const body = await transport.call('pdd.logistics.online.send', { order_sn: input.orderId, logistics_id: input.carrierCode, tracking_number: input.trackingNumber }, ctx);
  if (!parseOrReject(ADAPTER_ID, SendBody, body, 'pdd.logistics.online.send response').logistics_online_send_response.is_success) {
    throw AdapterError.rejected(ADAPTER_ID, 'ship-refused', 'pdd.logistics.online.send: is_success=false');
  }
  return { confirmed: true };
}
