import { z } from 'zod';
import type { WebhookEvent, WebhookRequest, WebhookVerdict } from '../../src/sdk/define.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { verifyErpSignature } from '../legacy-erp/signature.js';
import { OWN_STORE_EVENTS } from './constants.js';

/**
 * The shop's order events: `{"id", "type", "order": {...}}` signed with HMAC-SHA256 over
 * timestamp + "." + raw body (the legacy-ERP webhook's scheme), refused outside the timestamp
 * tolerance. The timestamp is inside the MAC, so a captured event cannot be replayed later.
 */
export function verifyOwnStoreEvent(req: WebhookRequest, secret: string, toleranceSeconds: number, nowMs: number): WebhookVerdict {
  return verifyErpSignature(req, { secret, toleranceSeconds }, nowMs);
}

const Event = z
  .object({
    id: z.string().min(1).max(128),
    type: z.enum(OWN_STORE_EVENTS),
    order: z.looseObject({ orderNo: z.string().min(1).max(64) }),
  })
  .strict();

/**
 * One delivery is one event carrying the whole order, so the hub maps it directly (no order.get).
 * A body that is not that shape throws, naming the field, and the route answers 400.
 */
export function parseOwnStoreEvent(req: WebhookRequest): WebhookEvent[] {
  const r = Event.safeParse(parseJsonSafe(Buffer.from(req.rawBody).toString('utf8')));
  if (!r.success) throw new Error(r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return [{ messageId: r.data.id, topic: r.data.type, orderId: r.data.order.orderNo, payload: { order: r.data.order } }];
}
