import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { SF_ADAPTER_ID, SF_ERROR, SF_SERVICE, sfBusinessError, type SfTransport } from '../transport.js';
import { SF_DEAL_TYPE } from './update-waybill.js';

export const CancelWaybillInput = z
  .object({
    /** SF's orderId, as returned by waybill.create. */
    orderId: z.string().min(1),
    waybillNo: z.string().min(1).optional(),
  })
  .strict();
export type CancelWaybillInput = z.input<typeof CancelWaybillInput>;

export const CancelWaybillOutput = z.object({ orderId: z.string(), cancelled: z.literal(true), alreadyCancelled: z.boolean() }).strict();
export type CancelWaybillOutput = z.infer<typeof CancelWaybillOutput>;

/**
 * EXP_RECE_UPDATE_ORDER dealType 2. A retried cancel whose first attempt went through gets
 * 8037 "已消单" (already cancelled; UNVERIFIED code, see transport.ts): that is the outcome we
 * wanted, so it is success with alreadyCancelled, not a failure for a person to look at.
 */
export async function cancelWaybill(t: SfTransport, raw: unknown, ctx: InvokeContext): Promise<CancelWaybillOutput> {
  const input = parseOrReject(SF_ADAPTER_ID, CancelWaybillInput, raw, 'waybill.cancel input');
  const msg = {
    language: 'zh-CN',
    orderId: input.orderId,
    dealType: SF_DEAL_TYPE.CANCEL,
    ...(input.waybillNo ? { waybillNoInfoList: [{ waybillType: 1, waybillNo: input.waybillNo }] } : {}),
  };
  const r = await t.call(SF_SERVICE.UPDATE_ORDER, msg, ctx);
  if (!r.success && r.errorCode !== SF_ERROR.ALREADY_CANCELLED) throw sfBusinessError(SF_SERVICE.UPDATE_ORDER, r);
  const alreadyCancelled = !r.success;
  ctx.logger.info({ sfOrderId: input.orderId, alreadyCancelled }, 'sf waybill cancelled');
  return { orderId: input.orderId, cancelled: true, alreadyCancelled };
}
