import { z } from 'zod';
import { gmt8ToIso } from '../_shared/tracking.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { SF_OP } from './operations/query-tracking.js';

/**
 * SF route push (路由推送), what SF POSTs to the hub when a parcel moves.
 *
 * ASSUMED ENVELOPE (UNVERIFIED; from one integrator's receiver, maomaolulu/sys-java
 * `routeBack`, not from SF's docs): a JSON body `{"Body":{"WaybillRoute":[record...]}}`,
 * possibly form-encoded as `content=<json>` by some gateway setups, and the receiver answers
 * `{"return_code":"0000","return_msg":"成功"}` (anything else makes SF push again). Records:
 * `{id, mailno, orderid, acceptTime "yyyy-MM-dd HH:mm:ss" GMT+8, acceptAddress, opCode, remark}`.
 * A bare array of records or `{"WaybillRoute":[...]}` is accepted too, so a variant we have not
 * seen still parses. There is no signature in this envelope: the receiver must sit behind a
 * secret URL path or an IP allow-list until SF's verification scheme is confirmed.
 */
export const SF_ROUTE_PUSH_ACK = { return_code: '0000', return_msg: '成功' } as const;
export const SF_ROUTE_PUSH_NACK = { return_code: '1000', return_msg: 'invalid route push' } as const;

export const ROUTE_EVENT = { PICKED_UP: 'picked_up', DELIVERED: 'delivered', OTHER: 'other' } as const;
export type RouteEvent = (typeof ROUTE_EVENT)[keyof typeof ROUTE_EVENT];

const Record_ = z.object({
  id: z.union([z.string(), z.number().transform(String)]).nullish(),
  mailno: z.string().min(1),
  orderid: z.string().nullish(),
  acceptTime: z.string(),
  acceptAddress: z.string().nullish(),
  opCode: z.union([z.string(), z.number().int().transform(String)]),
  remark: z.string().nullish(),
});

const Records = z.array(Record_).min(1);
const Envelope = z.union([z.object({ Body: z.object({ WaybillRoute: Records }) }), z.object({ WaybillRoute: Records }), Records]);

export const RoutePushRecord = z
  .object({
    mailno: z.string(),
    orderid: z.string().nullable(),
    /** ISO-8601 with +08:00. */
    acceptTime: z.iso.datetime({ offset: true }),
    acceptAddress: z.string().nullable(),
    opCode: z.string(),
    event: z.enum(ROUTE_EVENT),
    /** SF's record id when sent, else mailno+opCode+acceptTime: the dedupe key for re-pushes. */
    messageId: z.string(),
  })
  .strict();
export type RoutePushRecord = z.infer<typeof RoutePushRecord>;

export type RoutePushResult = { ok: true; records: RoutePushRecord[] } | { ok: false; reason: string };

function decodeBody(body: string | Uint8Array | unknown): unknown {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : null;
  if (text === null) return body;
  const trimmed = text.trim();
  const json = trimmed.startsWith('content=') ? (new URLSearchParams(trimmed).get('content') ?? '') : trimmed;
  return parseJsonSafe(json);
}

/** Pure: raw push body -> records, or a reason (never the body itself: it names places and people). */
export function parseRoutePush(body: string | Uint8Array | unknown): RoutePushResult {
  let decoded: unknown;
  try {
    decoded = decodeBody(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const env = Envelope.safeParse(decoded);
  if (!env.success) return { ok: false, reason: `unexpected envelope: ${env.error.issues[0]?.path.join('.') ?? ''} ${env.error.issues[0]?.message ?? ''}`.trim() };
  const list = Array.isArray(env.data) ? env.data : 'Body' in env.data ? env.data.Body.WaybillRoute : env.data.WaybillRoute;
  const records: RoutePushRecord[] = [];
  for (const [i, r] of list.entries()) {
    const at = gmt8ToIso(r.acceptTime);
    if (at === null) return { ok: false, reason: `record ${i}: acceptTime is not "yyyy-MM-dd HH:mm:ss"` };
    const event = r.opCode === SF_OP.PICKED_UP ? ROUTE_EVENT.PICKED_UP : r.opCode === SF_OP.DELIVERED ? ROUTE_EVENT.DELIVERED : ROUTE_EVENT.OTHER;
    records.push({
      mailno: r.mailno,
      orderid: r.orderid ?? null,
      acceptTime: at,
      acceptAddress: r.acceptAddress ?? null,
      opCode: r.opCode,
      event,
      messageId: r.id ?? `${r.mailno}:${r.opCode}:${r.acceptTime}`,
    });
  }
  return { ok: true, records };
}
