import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, type TopTransport } from '../transport.js';

export const TopShipInput = z
  .object({
    orderId: z.string().regex(/^\d+$/, 'a Taobao tid (digits, as a string: it exceeds 2^53)'),
    trackingNumber: z.string().min(1),
    /** TOP logistics company code, e.g. SF, YTO, ZTO, EMS (taobao.logistics.companies.get). */
    carrierCode: z.string().min(1),
    /** Sub-order ids (oid) when only part of the trade ships; absent = the whole trade. */
    lineIds: z.array(z.string().regex(/^\d+$/)).min(1).optional(),
  })
  .strict();

const OfflineSendBody = z.object({
  logistics_offline_send_response: z.looseObject({ shipping: z.looseObject({ is_success: z.boolean() }) }),
});

/** `taobao.logistics.offline.send`: the seller ships with their own courier and reports the waybill. */
export async function confirmShipment(transport: TopTransport, rawInput: unknown, ctx: InvokeContext): Promise<{ confirmed: true }> {
  const input = parseOrReject(ADAPTER_ID, TopShipInput, rawInput, 'shipment.confirm input');
  const body = await transport.call(
    'taobao.logistics.offline.send',
    {
      tid: input.orderId,
      out_sid: input.trackingNumber,
      company_code: input.carrierCode,
      sub_tid: input.lineIds?.join(','),
      is_split: input.lineIds ? '1' : undefined,
    },
    ctx,
  );
  const r = parseOrReject(ADAPTER_ID, OfflineSendBody, body, 'taobao.logistics.offline.send response');
  if (!r.logistics_offline_send_response.shipping.is_success) {
    throw AdapterError.rejected(ADAPTER_ID, 'ship-refused', 'taobao.logistics.offline.send: is_success=false');
  }
  return { confirmed: true };
}
