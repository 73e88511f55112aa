import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { TRACKING_STATE, TrackingResult, gmt8ToIso, sortEvents, type TrackingEvent, type TrackingState } from '../../_shared/tracking.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { SF_ADAPTER_ID, SF_SERVICE, parseMsgData, type SfTransport } from '../transport.js';

export const QueryTrackingInput = z.union([
  z.object({ waybillNo: z.string().min(1), checkPhoneNo: z.string().regex(/^\d{4}$/).optional() }).strict(),
  z.object({ orderId: z.string().min(1) }).strict(),
]);
export type QueryTrackingInput = z.input<typeof QueryTrackingInput>;
export const QueryTrackingOutput = TrackingResult;

/** SF route opCodes the hub reacts to. */
export const SF_OP = { PICKED_UP: '50', DELIVERED: '80' } as const;

/**
 * opCodes treated as a delivery problem: 33 (派件异常), 70 (delivery failed), 99 (held at the
 * customer's request), 648 (returned). ASSUMPTION, UNVERIFIED: from integrators' code tables,
 * not an official list; an unknown code counts as in transit, never as a problem.
 */
export const SF_PROBLEM_OPS: ReadonlySet<string> = new Set(['33', '70', '99', '648']);

/** The canonical state from SF events, oldest first. */
export function sfState(events: readonly TrackingEvent[]): TrackingState {
  if (events.length === 0) return TRACKING_STATE.NONE;
  if (events.some((e) => e.code === SF_OP.DELIVERED)) return TRACKING_STATE.DELIVERED;
  const last = events[events.length - 1]?.code ?? '';
  if (SF_PROBLEM_OPS.has(last)) return TRACKING_STATE.PROBLEM;
  if (last === SF_OP.PICKED_UP) return TRACKING_STATE.PICKED_UP;
  return TRACKING_STATE.IN_TRANSIT;
}

const gmt8 = z.string().transform((s, ctx) => {
  const iso = gmt8ToIso(s);
  if (iso === null) {
    ctx.addIssue({ code: 'custom', message: 'expected "yyyy-MM-dd HH:mm:ss" (GMT+8)' });
    return z.NEVER;
  }
  return iso;
});

const SfRoute = z.object({
  acceptTime: gmt8,
  acceptAddress: z.string().nullish(),
  remark: z.string().nullish(),
  opCode: z.union([z.string(), z.number().int().transform(String)]).nullish(),
});

const SfRouteResult = z.object({
  routeResps: z.array(z.object({ mailNo: z.string().nullish(), orderId: z.string().nullish(), routes: z.array(SfRoute).nullish() })).nullish(),
});

/** EXP_RECE_SEARCH_ROUTES by waybill (trackingType 1) or by SF orderId (trackingType 2). */
export async function queryTracking(t: SfTransport, raw: unknown, ctx: InvokeContext): Promise<TrackingResult> {
  const input = parseOrReject(SF_ADAPTER_ID, QueryTrackingInput, raw, 'tracking.query input');
  const byWaybill = 'waybillNo' in input;
  const msg = {
    language: '0',
    trackingType: byWaybill ? '1' : '2',
    trackingNumber: [byWaybill ? input.waybillNo : input.orderId],
    methodType: '1',
    ...(byWaybill && input.checkPhoneNo ? { checkPhoneNo: input.checkPhoneNo } : {}),
  };
  const data = parseMsgData(SF_SERVICE.SEARCH_ROUTES, SfRouteResult, await t.callOk(SF_SERVICE.SEARCH_ROUTES, msg, ctx));
  const resp = data.routeResps?.[0];
  const events = sortEvents(
    (resp?.routes ?? []).map((r) => ({ at: r.acceptTime, location: r.acceptAddress ?? null, description: r.remark ?? '', code: r.opCode ?? null })),
  );
  const trackingNo = resp?.mailNo ?? (byWaybill ? input.waybillNo : input.orderId);
  return TrackingResult.parse({
    carrier: SF_ADAPTER_ID,
    trackingNo,
    state: sfState(events),
    carrierState: events[events.length - 1]?.code ?? null,
    events,
  });
}
