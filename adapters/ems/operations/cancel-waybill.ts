import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { EMS_ADAPTER_ID, EMS_PATH, type EmsTransport } from '../transport.js';

export const CancelWaybillInput = z.object({ orderId: z.string().min(1), waybillNo: z.string().min(1).optional() }).strict();
export type CancelWaybillInput = z.input<typeof CancelWaybillInput>;
export const CancelWaybillOutput = z.object({ orderId: z.string(), cancelled: z.literal(true), alreadyCancelled: z.boolean() }).strict();
export type CancelWaybillOutput = z.infer<typeof CancelWaybillOutput>;

const Response_ = z.object({ orderId: z.string(), cancelled: z.literal(true), alreadyCancelled: z.boolean().default(false) });

/** POST /waybills/cancel: a second cancel answers 200 with alreadyCancelled true (contract rule). */
export async function cancelWaybill(t: EmsTransport, raw: unknown, ctx: InvokeContext): Promise<CancelWaybillOutput> {
  const input = parseOrReject(EMS_ADAPTER_ID, CancelWaybillInput, raw, 'waybill.cancel input');
  const r = await t.post(EMS_PATH.CANCEL, { orderId: input.orderId, waybillNo: input.waybillNo ?? null }, Response_, ctx);
  return { orderId: input.orderId, cancelled: true, alreadyCancelled: r.alreadyCancelled };
}
