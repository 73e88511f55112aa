import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { TrackingResult, gmt8ToIso, sortEvents } from '../_shared/tracking.js';
import { kdniaoState } from './operations/query-tracking.js';
import { KDNIAO_ADAPTER_ID, kdniaoDataSign } from './transport.js';

/** RequestType of KDNiao's track push (101 standard, 102 the paid push with StateEx). */
export const KDNIAO_PUSH_TYPES: readonly string[] = ['101', '102'];

const intLike = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);
const PushBody = z.object({
  EBusinessID: z.union([z.string(), z.number().transform(String)]),
  PushTime: z.string().nullish(),
  Count: intLike.nullish(),
  Data: z.array(
    z.object({
      ShipperCode: z.string().min(1),
      LogisticCode: z.string().min(1),
      Success: z.boolean().nullish(),
      Reason: z.string().nullish(),
      State: intLike.nullish(),
      StateEx: intLike.nullish(),
      Traces: z.array(z.object({ AcceptTime: z.string(), AcceptStation: z.string(), Location: z.string().nullish(), Action: z.union([z.string(), z.number().transform(String)]).nullish(), Remark: z.string().nullish() })).nullish(),
    }),
  ),
});

export type KdniaoPush = { ok: true; eBusinessId: string; records: TrackingResult[] } | { ok: false; reason: string };

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * KDNiao's push to the hub (WIRE-FORMATS §5): a form POST with RequestData (the JSON), RequestType
 * 101, DataSign = urlencode(base64(md5hex(RequestData + AppKey))) like every KDNiao call. Checked in
 * constant time, then each record mapped to the canonical tracking result the robot applies.
 */
export function parseKdniaoPush(formText: string, appKey: string): KdniaoPush {
  const form = new URLSearchParams(formText);
  const requestData = form.get('RequestData');
  if (!requestData) return { ok: false, reason: 'RequestData: missing' };
  const type = form.get('RequestType') ?? '';
  if (!KDNIAO_PUSH_TYPES.includes(type)) return { ok: false, reason: `RequestType: ${type || 'missing'} is not a track push (101, 102)` };
  // The form decoder undid the one URL-encoding of DataSign: compare with the decoded expected value.
  if (!sameText(form.get('DataSign') ?? '', decodeURIComponent(kdniaoDataSign(requestData, appKey)))) return { ok: false, reason: 'DataSign: does not match' };
  let json: unknown;
  try {
    json = JSON.parse(requestData);
  } catch {
    return { ok: false, reason: 'RequestData: not JSON' };
  }
  const b = PushBody.safeParse(json);
  if (!b.success) return { ok: false, reason: `RequestData.${b.error.issues[0]?.path.join('.') ?? ''}: ${b.error.issues[0]?.message ?? 'invalid'}` };
  const records: TrackingResult[] = [];
  for (const [i, d] of b.data.Data.entries()) {
    const events = [];
    for (const [j, t] of (d.Traces ?? []).entries()) {
      const at = gmt8ToIso(t.AcceptTime);
      if (!at) return { ok: false, reason: `RequestData.Data.${i}.Traces.${j}.AcceptTime: not "yyyy-MM-dd HH:mm:ss"` };
      events.push({ at, location: t.Location ?? null, description: t.AcceptStation, code: t.Action ?? null });
    }
    const state = d.State ?? null;
    records.push(
      TrackingResult.parse({
        carrier: `${KDNIAO_ADAPTER_ID}/${d.ShipperCode}`,
        trackingNo: d.LogisticCode,
        state: kdniaoState(state),
        carrierState: state === null ? null : d.StateEx !== null && d.StateEx !== undefined ? `${state}/${d.StateEx}` : String(state),
        events: sortEvents(events),
      }),
    );
  }
  return { ok: true, eBusinessId: b.data.EBusinessID, records };
}

/** The reply KDNiao's demo expects (UNVERIFIED beyond the demo): anything else and it pushes again. */
export function kdniaoPushAck(eBusinessId: string, at: Date, success: boolean, reason = ''): Record<string, unknown> {
  const local = new Date(at.getTime() + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
  return { EBusinessID: eBusinessId, UpdateTime: local, Success: success, Reason: reason };
}
