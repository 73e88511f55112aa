import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { TRACKING_STATE, TrackingEvent, TrackingResult, sortEvents } from '../../_shared/tracking.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { EMS_ADAPTER_ID, EMS_PATH, type EmsTransport } from '../transport.js';

export const QueryTrackingInput = z.object({ waybillNo: z.string().min(1) }).strict();
export type QueryTrackingInput = z.input<typeof QueryTrackingInput>;
export const QueryTrackingOutput = TrackingResult;

/** The contract asks the partner for the canonical state and ISO times directly: nothing to guess here. */
const Response_ = z.object({
  waybillNo: z.string().min(1),
  state: z.enum(TRACKING_STATE),
  carrierState: z.string().nullish(),
  events: z.array(TrackingEvent),
});

/** POST /tracking/query. */
export async function queryTracking(t: EmsTransport, raw: unknown, ctx: InvokeContext): Promise<TrackingResult> {
  const input = parseOrReject(EMS_ADAPTER_ID, QueryTrackingInput, raw, 'tracking.query input');
  const r = await t.post(EMS_PATH.TRACKING, { waybillNo: input.waybillNo }, Response_, ctx);
  return TrackingResult.parse({ carrier: EMS_ADAPTER_ID, trackingNo: r.waybillNo, state: r.state, carrierState: r.carrierState ?? null, events: sortEvents(r.events) });
}
