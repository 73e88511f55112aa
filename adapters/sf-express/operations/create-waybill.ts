import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { CargoLine, CourierParty, carrierOrderId } from '../../_shared/waybill.js';
import { SF_CONTACT_TYPE, toSfContact } from '../contact.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { SF_ADAPTER_ID, SF_ERROR, SF_SERVICE, intLike, parseMsgData, sfBusinessError, type SfTransport } from '../transport.js';

export const CreateWaybillInput = z
  .object({
    /** The hub's order id: a correlation id for logs. SF's orderId is derived from ctx.idempotencyKey. */
    orderId: z.string().min(1),
    sender: CourierParty,
    receiver: CourierParty,
    cargo: z.array(CargoLine).min(1),
    /** SF product: 1 standard (顺丰标快), 2 顺丰特惠... Defaults to the connector's. */
    expressTypeId: z.number().int().positive().optional(),
    /** Printed on the waybill; carries the gift line ("Gift: water fountain filter x1"). */
    remark: z.string().max(100).nullish(),
    parcelQty: z.number().int().positive().default(1),
  })
  .strict();
export type CreateWaybillInput = z.input<typeof CreateWaybillInput>;

/** filterResult: 1 manual review, 2 serviceable, 3 not serviceable (3 never reaches the output). */
export const CreateWaybillOutput = z
  .object({
    waybillNo: z.string().min(1),
    /** SF's orderId: what update, cancel and route queries refer to. */
    orderId: z.string().min(1),
    filterResult: z.union([z.literal(1), z.literal(2)]).nullable(),
    /** True when SF already had this orderId and the existing waybill was returned. */
    reused: z.boolean(),
  })
  .strict();
export type CreateWaybillOutput = z.infer<typeof CreateWaybillOutput>;

/** msgData of EXP_RECE_CREATE_ORDER and of EXP_RECE_SEARCH_ORDER_RESP share these fields. */
export const SfOrderResult = z.object({
  orderId: z.string().nullish(),
  waybillNoInfoList: z.array(z.object({ waybillType: intLike.nullish(), waybillNo: z.string().min(1) })).nullish(),
  filterResult: intLike.nullish(),
});

/** The master waybill (waybillType 1) when SF says which; else the first. */
function masterWaybill(r: z.infer<typeof SfOrderResult>): string | null {
  const list = r.waybillNoInfoList ?? [];
  return (list.find((w) => w.waybillType === 1) ?? list[0])?.waybillNo ?? null;
}

export interface SfCreateDefaults {
  monthlyCard: string | undefined;
  expressTypeId: number;
}

/**
 * EXP_RECE_CREATE_ORDER with orderId = f(ctx.idempotencyKey), so a Temporal retry after a lost
 * response asks for the same order. Two behaviours of SF for a reused orderId are handled:
 * the documented one (the first result comes back, success) and errorCode 8016 "重复下单",
 * which integrators report and which is then resolved by EXP_RECE_SEARCH_ORDER_RESP to return
 * the existing waybill. Either way the caller gets one waybill per step, never two.
 */
export async function createWaybill(t: SfTransport, defaults: SfCreateDefaults, raw: unknown, ctx: InvokeContext): Promise<CreateWaybillOutput> {
  const input = parseOrReject(SF_ADAPTER_ID, CreateWaybillInput, raw, 'waybill.create input');
  const orderId = carrierOrderId(ctx.idempotencyKey);
  const msg = {
    language: 'zh-CN',
    orderId,
    ...(defaults.monthlyCard ? { monthlyCard: defaults.monthlyCard, payMethod: 1 } : {}),
    expressTypeId: input.expressTypeId ?? defaults.expressTypeId,
    parcelQty: input.parcelQty,
    ...(input.remark ? { remark: input.remark } : {}),
    cargoDetails: input.cargo.map((c) => ({ name: c.name, count: c.count, ...(c.unit ? { unit: c.unit } : {}) })),
    contactInfoList: [toSfContact(input.sender, SF_CONTACT_TYPE.SENDER), toSfContact(input.receiver, SF_CONTACT_TYPE.RECEIVER)],
  };
  const r = await t.call(SF_SERVICE.CREATE_ORDER, msg, ctx);
  let result: z.infer<typeof SfOrderResult>;
  let reused = false;
  if (r.success) {
    result = parseMsgData(SF_SERVICE.CREATE_ORDER, SfOrderResult, r.msgData);
  } else if (r.errorCode === SF_ERROR.DUPLICATE_ORDER) {
    ctx.logger.info({ hubOrderId: input.orderId, sfOrderId: orderId }, 'sf: orderId already used, returning the existing waybill');
    const found = await t.callOk(SF_SERVICE.SEARCH_ORDER, { orderId, searchType: '1', language: 'zh-CN' }, ctx);
    result = parseMsgData(SF_SERVICE.SEARCH_ORDER, SfOrderResult, found);
    reused = true;
  } else {
    throw sfBusinessError(SF_SERVICE.CREATE_ORDER, r);
  }
  if (result.filterResult === 3) throw AdapterError.rejected(SF_ADAPTER_ID, 'not_serviceable', `SF does not serve this address (filterResult 3, orderId ${orderId})`);
  const waybillNo = masterWaybill(result);
  // Manual review (filterResult 1) may hold the number back; a retry finds it via the duplicate path.
  if (!waybillNo) throw AdapterError.retryable(SF_ADAPTER_ID, 'no_waybill_yet', `SF accepted orderId ${orderId} without a waybill number yet`);
  const filterResult = result.filterResult === 1 || result.filterResult === 2 ? result.filterResult : null;
  ctx.logger.info({ hubOrderId: input.orderId, sfOrderId: orderId, waybillNo, filterResult, reused }, 'sf waybill created');
  return { waybillNo, orderId, filterResult, reused };
}
