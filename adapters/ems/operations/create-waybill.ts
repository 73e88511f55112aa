import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { CargoLine, CourierParty, carrierOrderId } from '../../_shared/waybill.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { EMS_ADAPTER_ID, EMS_PATH, type EmsTransport } from '../transport.js';

/** Same input as SF's waybill.create, so the routing rule can switch carriers without re-mapping. */
export const CreateWaybillInput = z
  .object({
    /** The hub's order id (correlation only); the EMS orderId is derived from ctx.idempotencyKey. */
    orderId: z.string().min(1),
    sender: CourierParty,
    receiver: CourierParty,
    cargo: z.array(CargoLine).min(1),
    /** EMS product code, when the partner offers several; passed through. */
    serviceType: z.string().min(1).optional(),
    remark: z.string().max(100).nullish(),
    parcelQty: z.number().int().positive().default(1),
    /** Set by the remote-area rule; the partner prices it, the hub only records it. */
    remoteArea: z.boolean().default(true),
  })
  .strict();
export type CreateWaybillInput = z.input<typeof CreateWaybillInput>;

export const CreateWaybillOutput = z
  .object({ waybillNo: z.string().min(1), orderId: z.string().min(1), filterResult: z.null(), reused: z.boolean() })
  .strict();
export type CreateWaybillOutput = z.infer<typeof CreateWaybillOutput>;

const Response_ = z.object({ orderId: z.string().min(1), waybillNo: z.string().min(1), status: z.enum(['created', 'existing']) });

/** POST /waybills/create. A reused orderId answers 200 with the first waybill and status "existing". */
export async function createWaybill(t: EmsTransport, raw: unknown, ctx: InvokeContext): Promise<CreateWaybillOutput> {
  const input = parseOrReject(EMS_ADAPTER_ID, CreateWaybillInput, raw, 'waybill.create input');
  const orderId = carrierOrderId(ctx.idempotencyKey);
  const r = await t.post(
    EMS_PATH.CREATE,
    {
      orderId,
      sender: input.sender,
      receiver: input.receiver,
      cargo: input.cargo,
      parcelQty: input.parcelQty,
      remark: input.remark ?? null,
      serviceType: input.serviceType ?? null,
      remoteArea: input.remoteArea,
    },
    Response_,
    ctx,
  );
  ctx.logger.info({ hubOrderId: input.orderId, emsOrderId: orderId, waybillNo: r.waybillNo, status: r.status }, 'ems waybill created');
  return { waybillNo: r.waybillNo, orderId: r.orderId, filterResult: null, reused: r.status === 'existing' };
}
