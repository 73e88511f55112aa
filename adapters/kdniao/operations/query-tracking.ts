import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { TRACKING_STATE, TrackingResult, gmt8ToIso, sortEvents, type TrackingState } from '../../_shared/tracking.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { KDNIAO_ADAPTER_ID, type KdniaoRequestType, type KdniaoTransport } from '../transport.js';

export const QueryTrackingInput = z
  .object({
    /** KDNiao courier code: SF, EMS, YTO, ZTO, STO, YD, JD... */
    shipperCode: z.string().regex(/^[A-Z0-9]{2,10}$/),
    /** The tracking (waybill) number to look up. */
    logisticCode: z.string().min(1),
    /** The seller's order number, echoed back by KDNiao; optional. */
    orderCode: z.string().optional(),
    /** SF (and some others) require the last four digits of the sender or receiver phone. */
    customerName: z.string().regex(/^\d{4}$/).optional(),
  })
  .strict();
export type QueryTrackingInput = z.input<typeof QueryTrackingInput>;
export const QueryTrackingOutput = TrackingResult;

const intLike = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

export const KdniaoTrackingResponse = z.object({
  EBusinessID: z.string().nullish(),
  ShipperCode: z.string().nullish(),
  LogisticCode: z.string().nullish(),
  Success: z.boolean(),
  Reason: z.string().nullish(),
  State: intLike.nullish(),
  StateEx: intLike.nullish(),
  Location: z.string().nullish(),
  Traces: z
    .array(
      z.object({
        AcceptTime: z.string(),
        AcceptStation: z.string(),
        Location: z.string().nullish(),
        Action: z.union([z.string(), z.number().transform(String)]).nullish(),
        Remark: z.string().nullish(),
      }),
    )
    .nullish(),
});

/** State: 0 no trace, 1 picked up, 2 in transit, 3 signed, 4 problem; 5/6 (forwarding, customs; 8001 only) are in transit. */
export function kdniaoState(state: number | null | undefined): TrackingState {
  switch (state) {
    case 1:
      return TRACKING_STATE.PICKED_UP;
    case 2:
    case 5:
    case 6:
      return TRACKING_STATE.IN_TRANSIT;
    case 3:
      return TRACKING_STATE.DELIVERED;
    case 4:
      return TRACKING_STATE.PROBLEM;
    default:
      return TRACKING_STATE.NONE;
  }
}

/**
 * RequestType 1002 (instant query) or 8001 (enhanced, adds StateEx/Location). The hub uses it
 * to back-fill a tracking number and state on an order marked shipped without one. Success:false
 * (no package, unknown shipper, bad sign) is rejected: retrying the same request cannot fix it.
 */
export async function queryTracking(t: KdniaoTransport, requestType: KdniaoRequestType, raw: unknown, ctx: InvokeContext): Promise<TrackingResult> {
  const input = parseOrReject(KDNIAO_ADAPTER_ID, QueryTrackingInput, raw, 'tracking.query input');
  // Key order is part of the signature: the exact string signed is the one sent.
  const requestData = JSON.stringify({ OrderCode: input.orderCode ?? '', ShipperCode: input.shipperCode, LogisticCode: input.logisticCode, CustomerName: input.customerName ?? '' });
  const r = await t.post(requestType, requestData, KdniaoTrackingResponse, ctx);
  if (!r.Success) throw AdapterError.rejected(KDNIAO_ADAPTER_ID, 'query_failed', `${requestType} ${input.shipperCode}: ${r.Reason ?? 'Success=false'}`);
  const events = [];
  for (const [i, tr] of (r.Traces ?? []).entries()) {
    const at = gmt8ToIso(tr.AcceptTime);
    if (at === null) throw AdapterError.rejected(KDNIAO_ADAPTER_ID, 'bad_response', `${requestType}: Traces.${i}.AcceptTime is not "yyyy-MM-dd HH:mm:ss"`);
    events.push({ at, location: tr.Location ?? null, description: tr.AcceptStation, code: tr.Action ?? null });
  }
  const state = r.State ?? null;
  return TrackingResult.parse({
    carrier: `${KDNIAO_ADAPTER_ID}/${r.ShipperCode ?? input.shipperCode}`,
    trackingNo: r.LogisticCode ?? input.logisticCode,
    state: kdniaoState(state),
    carrierState: state === null ? null : r.StateEx !== null && r.StateEx !== undefined ? `${state}/${r.StateEx}` : String(state),
    events: sortEvents(events),
  });
}
