import { z } from 'zod';
import type { WebhookEvent, WebhookVerdict } from '../../src/sdk/define.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { md5Hex, signaturesEqual } from '../_shared/signing.js';
import { DOUYIN_TAGS } from './constants.js';
import { DouyinId } from './transport.js';

/**
 * Douyin push: `event-sign` = hex(MD5(app_key + raw body + app_secret)), over the raw bytes
 * (a re-serialised body would not match). `app-id`, when sent, must be our app key.
 */
export function signDouyinPush(rawBody: Uint8Array | string, appKey: string, appSecret: string): string {
  return md5Hex(Buffer.concat([Buffer.from(appKey, 'utf8'), Buffer.from(rawBody), Buffer.from(appSecret, 'utf8')]));
}

export function verifyDouyinPush(rawBody: Uint8Array, headers: Readonly<Record<string, string | undefined>>, appKey: string, appSecret: string): WebhookVerdict {
  const given = headers['event-sign'];
  if (!given) return { ok: false, reason: 'missing_signature' };
  const appId = headers['app-id'];
  if (appId !== undefined && appId !== appKey) return { ok: false, reason: 'wrong_app' };
  return signaturesEqual(given, signDouyinPush(rawBody, appKey, appSecret)) ? { ok: true } : { ok: false, reason: 'invalid_signature' };
}

const TAG_TOPICS: ReadonlyMap<string, string> = new Map(Object.entries(DOUYIN_TAGS));

const PushItem = z.looseObject({ tag: z.union([z.string(), z.number()]).transform(String), msg_id: DouyinId, data: z.string() });
const OrderData = z.looseObject({ p_id: DouyinId.optional(), shop_id: DouyinId.optional() });

/**
 * The body is a JSON array of {tag, msg_id, data}, `data` a JSON string. Order tags (100-109)
 * become topics such as `order.address-changed` (105); other tags keep their number. The
 * order id is the parent order `p_id`, set for order tags only. Throws on a body that is not that shape, so the route
 * answers 400 rather than acknowledging something it did not understand.
 */
export function parseDouyinPush(rawBody: Uint8Array): WebhookEvent[] {
  const items = z.array(PushItem).parse(parseJsonSafe(Buffer.from(rawBody).toString('utf8')));
  return items.map((item) => {
    const data: unknown = parseJsonSafe(item.data);
    const ids = OrderData.safeParse(data);
    const topic = TAG_TOPICS.get(item.tag) ?? item.tag;
    // Only order tags name an order the hub fetches; after-sales and unknown tags carry none, so
    // the route acknowledges, logs and counts them instead of acting on them.
    const orderId = TAG_TOPICS.has(item.tag) && ids.success ? (ids.data.p_id ?? null) : null;
    return { messageId: item.msg_id, topic, orderId, payload: { tag: item.tag, data } };
  });
}
