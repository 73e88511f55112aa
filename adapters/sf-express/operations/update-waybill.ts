import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { CourierParty } from '../../_shared/waybill.js';
import { SF_CONTACT_TYPE, toSfContact } from '../contact.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { SF_ADAPTER_ID, SF_SERVICE, intLike, parseMsgData, type SfTransport } from '../transport.js';

export const UpdateWaybillInput = z
  .object({
    /** SF's orderId, as returned by waybill.create. */
    orderId: z.string().min(1),
    waybillNo: z.string().min(1).optional(),
    /** The corrected receiver. Only for a change SF can absorb (floor, door number): the workflow
     * decides; a new city or district cancels and re-creates instead. */
    receiver: CourierParty,
  })
  .strict();
export type UpdateWaybillInput = z.input<typeof UpdateWaybillInput>;

export const UpdateWaybillOutput = z.object({ orderId: z.string(), waybillNo: z.string().nullable(), updated: z.literal(true) }).strict();
export type UpdateWaybillOutput = z.infer<typeof UpdateWaybillOutput>;

/** resStatus: 1 orderId and waybill do not match, 2 done. */
const SfUpdateResult = z.object({
  orderId: z.string().nullish(),
  waybillNoInfoList: z.array(z.object({ waybillNo: z.string().min(1) })).nullish(),
  resStatus: intLike.nullish(),
});

export const SF_DEAL_TYPE = { CONFIRM: 1, CANCEL: 2 } as const;

/**
 * Address overwrite: EXP_RECE_UPDATE_ORDER with dealType 1 (confirm) and the new receiver in
 * `destContactInfo`. ASSUMPTION (UNVERIFIED): the field name and that dealType 1 accepts it
 * come from SF's order-confirm docs as quoted by integrators, not from an official sample;
 * the SF sandbox (adapters/sf-express/sandbox.ts) implements exactly this shape. Overwriting is
 * idempotent: sending the same address twice leaves the same waybill.
 */
export async function updateWaybill(t: SfTransport, raw: unknown, ctx: InvokeContext): Promise<UpdateWaybillOutput> {
  const input = parseOrReject(SF_ADAPTER_ID, UpdateWaybillInput, raw, 'waybill.update input');
  const msg = {
    language: 'zh-CN',
    orderId: input.orderId,
    dealType: SF_DEAL_TYPE.CONFIRM,
    ...(input.waybillNo ? { waybillNoInfoList: [{ waybillType: 1, waybillNo: input.waybillNo }] } : {}),
    destContactInfo: toSfContact(input.receiver, SF_CONTACT_TYPE.RECEIVER),
  };
  const data = parseMsgData(SF_SERVICE.UPDATE_ORDER, SfUpdateResult, await t.callOk(SF_SERVICE.UPDATE_ORDER, msg, ctx));
  if (data.resStatus === 1) throw AdapterError.rejected(SF_ADAPTER_ID, 'order_waybill_mismatch', `orderId ${input.orderId} does not match waybill ${input.waybillNo ?? '(none)'}`);
  const waybillNo = data.waybillNoInfoList?.[0]?.waybillNo ?? input.waybillNo ?? null;
  ctx.logger.info({ sfOrderId: input.orderId, waybillNo }, 'sf waybill address overwritten');
  return { orderId: input.orderId, waybillNo, updated: true };
}
