import { z } from 'zod';
import type { WebhookEvent, WebhookVerdict } from '../../src/sdk/define.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { md5Hex, signaturesEqual } from '../_shared/signing.js';
import { YOUZAN_TEST_TOPIC } from './constants.js';

const Id = z.union([z.string(), z.number()]).transform(String);

const Push = z.looseObject({
  client_id: z.string(),
  id: Id.optional(),
  kdt_id: Id.optional(),
  type: z.string().optional(),
  status: z.string().optional(),
  msg: z.string(),
  msg_id: Id.optional(),
  version: z.coerce.number().optional(),
  sendCount: z.coerce.number().optional(),
  test: z.boolean().optional(),
  sign: z.string(),
});

function readPush(rawBody: Uint8Array) {
  let json: unknown;
  try {
    json = parseJsonSafe(Buffer.from(rawBody).toString('utf8'));
  } catch {
    return null;
  }
  const r = Push.safeParse(json);
  return r.success ? r.data : null;
}

/** sign = MD5(client_id + msg + client_secret), with `msg` exactly as sent: still URL-encoded. */
export function signYouzanPush(clientId: string, encodedMsg: string, clientSecret: string): string {
  return md5Hex(clientId + encodedMsg + clientSecret);
}

export function verifyYouzanPush(rawBody: Uint8Array, clientId: string, clientSecret: string): WebhookVerdict {
  const push = readPush(rawBody);
  if (!push) return { ok: false, reason: 'malformed_body' };
  if (push.client_id !== clientId) return { ok: false, reason: 'wrong_app' };
  return signaturesEqual(push.sign, signYouzanPush(clientId, push.msg, clientSecret)) ? { ok: true, signed: Buffer.from(clientId + push.msg, 'utf8') } : { ok: false, reason: 'invalid_signature' };
}

/** Youzan encodes `msg` like Java's URLEncoder: spaces as '+', a literal '+' as %2B. */
export function decodeYouzanMsg(encoded: string): string {
  return decodeURIComponent(encoded.replaceAll('+', ' '));
}

/**
 * One push -> one event. `msg` decodes to the order (full_order_info, what youzan/order.v1
 * reads). `version` travels in the payload because the newer version wins when two pushes of
 * one order race; the route compares it. Test pushes (`test: true`) become topic 'test' so the
 * route acknowledges them without starting anything. The message id is msg_id; a push without
 * one gets `type:id:version`, still stable across Youzan's resends.
 */
export function parseYouzanPush(rawBody: Uint8Array): WebhookEvent[] {
  const push = readPush(rawBody);
  if (!push) throw new Error('youzan: push body is not the documented JSON object');
  const messageId = push.msg_id ?? `${push.type ?? 'unknown'}:${push.id ?? ''}:${push.version ?? ''}`;
  if (push.test) return [{ messageId, topic: YOUZAN_TEST_TOPIC, orderId: null, payload: { test: true } }];
  let order: unknown;
  try {
    order = parseJsonSafe(decodeYouzanMsg(push.msg));
  } catch {
    throw new Error('youzan: msg is not URL-encoded JSON');
  }
  return [
    {
      messageId,
      topic: push.type ?? 'unknown',
      orderId: push.id ?? null,
      payload: { type: push.type ?? null, status: push.status ?? null, version: push.version ?? null, kdtId: push.kdt_id ?? null, sendCount: push.sendCount ?? null, order },
    },
  ];
}
