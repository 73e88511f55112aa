import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, type DouyinTransport } from '../transport.js';

export const DouyinShipInput = z
  .object({
    orderId: z.string().regex(/^\d+$/, 'a Douyin shop order id (digits, as a string)'),
    trackingNumber: z.string().min(1),
    /** Douyin logistics company code (order.logisticsCompanyList), e.g. shunfeng, yuantong. */
    carrierCode: z.string().min(1),
  })
  .strict();

/** `order.logisticsAdd`: the whole shop order ships under one waybill. */
export async function confirmShipment(transport: DouyinTransport, rawInput: unknown, ctx: InvokeContext): Promise<{ confirmed: true }> {
  const input = parseOrReject(ADAPTER_ID, DouyinShipInput, rawInput, 'shipment.confirm input');
  await transport.call('order.logisticsAdd', { order_id: input.orderId, company_code: input.carrierCode, logistics_code: input.trackingNumber }, ctx);
  return { confirmed: true };
}
