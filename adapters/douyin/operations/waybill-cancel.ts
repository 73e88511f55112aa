import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { EWAYBILL_METHOD, type DouyinEwaybillConfig } from '../ewaybill.js';
import { ADAPTER_ID, type DouyinTransport } from '../transport.js';

export const EwaybillCancelInput = z
  .object({
    /** The package id waybill.create returned (or the hub key it derives from): logged only. */
    orderId: z.string().min(1),
    /** Douyin cancels by track_no: without the number there is nothing it can cancel. */
    waybillNo: z.string().min(1, 'the e-waybill number (track_no) Douyin cancels by'),
  })
  .strict();

const CancelData = z.looseObject({ cancel_result: z.looseObject({ success: z.boolean() }).nullish() });

/**
 * Douyin's answer for a waybill it had already cancelled: UNVERIFIED (no public source names the
 * code); recognised by text, so a retried cancel whose first try went through is success.
 */
const ALREADY_CANCELLED = /已取消|已回收|already cancel/i;

/**
 * logistics.cancelOrder (回收单号): gives the number back before the parcel is picked up. A
 * false cancel_result.success is a refusal (most likely picked up already), not retried.
 */
export async function cancelEwaybill(transport: DouyinTransport, config: DouyinEwaybillConfig, rawInput: unknown, ctx: InvokeContext): Promise<{ orderId: string; cancelled: true; alreadyCancelled: boolean }> {
  const input = parseOrReject(ADAPTER_ID, EwaybillCancelInput, rawInput, 'waybill.cancel input');
  const params = { logistics_code: config.logisticsCode, track_no: input.waybillNo, ...(config.userId ? { user_id: Number(config.userId) } : {}) };
  let data: z.output<typeof CancelData>;
  try {
    data = parseOrReject(ADAPTER_ID, CancelData, await transport.call(EWAYBILL_METHOD.CANCEL, params, ctx), `${EWAYBILL_METHOD.CANCEL} response`);
  } catch (err) {
    if (err instanceof AdapterError && !err.retryable && ALREADY_CANCELLED.test(err.message)) {
      ctx.logger.info({ waybillNo: input.waybillNo }, 'douyin e-waybill was already cancelled');
      return { orderId: input.orderId, cancelled: true, alreadyCancelled: true };
    }
    throw err;
  }
  if (data.cancel_result?.success !== true) throw AdapterError.rejected(ADAPTER_ID, 'cancel-refused', `${EWAYBILL_METHOD.CANCEL}: Douyin did not cancel waybill ${input.waybillNo} (cancel_result.success is not true)`);
  ctx.logger.info({ waybillNo: input.waybillNo, logisticsCode: config.logisticsCode }, 'douyin e-waybill cancelled');
  return { orderId: input.orderId, cancelled: true, alreadyCancelled: false };
}
