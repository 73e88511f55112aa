import { z } from 'zod';
import { CanonicalOrder, Money } from '../../../src/canonical/order.js';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { EWAYBILL_METHOD, type DouyinEwaybillConfig } from '../ewaybill.js';
import { ADAPTER_ID, type DouyinTransport } from '../transport.js';
import { douyinOrderOf, EwaybillSender, ewaybillReceiver } from './waybill-create.js';

/** waybill.update as the lifecycle sends it without a mapping: the order with its new address. */
export const EwaybillUpdateInput = z
  .object({
    order: CanonicalOrder,
    orderId: z.string().min(1).nullish(),
    waybillNo: z.string().min(1, 'the e-waybill number (track_no) whose receiver changes'),
    sender: EwaybillSender,
    surcharge: Money.nullish(),
    notes: z.array(z.string()).default([]),
  })
  .strict();

const UpdateData = z.looseObject({ track_no: z.string().nullish(), sort_code: z.string().nullish() });

/**
 * logistics.updateOrder: overwrites the receiver of a live e-waybill (same number; Douyin may
 * answer a new sort code for the new address). The lifecycle calls it only for a change inside
 * the same district; anything else is cancelled and issued anew.
 */
export async function updateEwaybill(transport: DouyinTransport, config: DouyinEwaybillConfig, rawInput: unknown, ctx: InvokeContext): Promise<{ waybillNo: string; sortCode: string | null; updated: true }> {
  const input = parseOrReject(ADAPTER_ID, EwaybillUpdateInput, rawInput, 'waybill.update input');
  douyinOrderOf(input.order);
  const s = input.sender;
  const params = {
    logistics_code: config.logisticsCode,
    track_no: input.waybillNo,
    ...(config.userId ? { user_id: Number(config.userId) } : {}),
    sender_info: { address: { country_code: 'CHN', province_name: s.province, city_name: s.city, district_name: s.district, detail_address: s.address }, contact: { name: s.name, mobile: s.phone } },
    receiver_info: ewaybillReceiver(input.order),
  };
  const data = parseOrReject(ADAPTER_ID, UpdateData, await transport.call(EWAYBILL_METHOD.UPDATE, params, ctx), `${EWAYBILL_METHOD.UPDATE} response`);
  ctx.logger.info({ waybillNo: input.waybillNo }, 'douyin e-waybill receiver updated');
  return { waybillNo: data.track_no || input.waybillNo, sortCode: data.sort_code || null, updated: true };
}
