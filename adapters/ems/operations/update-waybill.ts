import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { CourierParty } from '../../_shared/waybill.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { EMS_ADAPTER_ID, EMS_PATH, type EmsTransport } from '../transport.js';

export const UpdateWaybillInput = z.object({ orderId: z.string().min(1), waybillNo: z.string().min(1).optional(), receiver: CourierParty }).strict();
export type UpdateWaybillInput = z.input<typeof UpdateWaybillInput>;
export const UpdateWaybillOutput = z.object({ orderId: z.string(), waybillNo: z.string().nullable(), updated: z.literal(true) }).strict();
export type UpdateWaybillOutput = z.infer<typeof UpdateWaybillOutput>;

const Response_ = z.object({ orderId: z.string(), waybillNo: z.string().min(1) });

/** POST /waybills/update: overwrites the receiver; idempotent (same address twice, same result). */
export async function updateWaybill(t: EmsTransport, raw: unknown, ctx: InvokeContext): Promise<UpdateWaybillOutput> {
  const input = parseOrReject(EMS_ADAPTER_ID, UpdateWaybillInput, raw, 'waybill.update input');
  const r = await t.post(EMS_PATH.UPDATE, { orderId: input.orderId, waybillNo: input.waybillNo ?? null, receiver: input.receiver }, Response_, ctx);
  return { orderId: input.orderId, waybillNo: r.waybillNo, updated: true };
}
