import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { KDNIAO_ADAPTER_ID, KDNIAO_REQUEST_TYPE, type KdniaoTransport } from '../transport.js';
import { QueryTrackingInput } from './query-tracking.js';

/** A subscription names a parcel exactly as an instant query does. */
export const SubscribeTrackingInput = QueryTrackingInput;
export type SubscribeTrackingInput = z.input<typeof SubscribeTrackingInput>;

/** Subscribe answer (WIRE-FORMATS §5: `{EBusinessID, UpdateTime, Success, Reason}`, marked U there). */
const SubscribeResponse = z.object({
  EBusinessID: z.string().nullish(),
  UpdateTime: z.string().nullish(),
  Success: z.boolean(),
  Reason: z.string().nullish(),
});

/** Reasons that say "try again later" rather than "this subscription is refused" (KDNiao's wording is UNVERIFIED). */
const TRANSIENT = /频繁|繁忙|超时|稍后|busy|timeout|too many/i;

/**
 * RequestType 8008 (订阅, the paid subscription; WIRE-FORMATS §5): KDNiao then pushes the parcel's
 * traces (RequestType 101/102) to the push URL set on the KDNiao account, which is the hub's
 * POST /webhooks/kdniao/push/<tracking.pushToken>. A refusal names KDNiao's Reason.
 */
export async function subscribeTracking(t: KdniaoTransport, rawInput: unknown, ctx: InvokeContext): Promise<{ subscribed: true; updateTime: string | null }> {
  const input = parseOrReject(KDNIAO_ADAPTER_ID, SubscribeTrackingInput, rawInput, 'tracking.subscribe input');
  const requestData = JSON.stringify({
    ShipperCode: input.shipperCode,
    LogisticCode: input.logisticCode,
    ...(input.orderCode ? { OrderCode: input.orderCode } : {}),
    ...(input.customerName ? { CustomerName: input.customerName } : {}),
  });
  const r = await t.post(KDNIAO_REQUEST_TYPE.SUBSCRIBE, requestData, SubscribeResponse, ctx);
  if (!r.Success) {
    const reason = r.Reason ?? '(no reason)';
    const m = `8008 subscribe ${input.shipperCode} ${input.logisticCode}: ${reason}`;
    throw TRANSIENT.test(reason) ? AdapterError.retryable(KDNIAO_ADAPTER_ID, 'subscribe_failed', m) : AdapterError.rejected(KDNIAO_ADAPTER_ID, 'subscribe_refused', m);
  }
  return { subscribed: true, updateTime: r.UpdateTime ?? null };
}
