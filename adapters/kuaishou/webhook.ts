import { createCipheriv, createDecipheriv } from 'node:crypto';
import { z } from 'zod';
import type { WebhookEvent, WebhookRequest, WebhookVerdict } from '../../src/sdk/define.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { KUAISHOU_ORDER_EVENT_PREFIX } from './constants.js';
import { KuaishouId } from './transport.js';

/**
 * The Kuaishou message push (消息服务说明 §3): a POST whose body is Base64 of AES/CBC/PKCS5
 * ciphertext, key = Base64-decoded message key of the app, IV = 16 zero bytes. Nothing else is
 * signed: a push is genuine when it decrypts, with our key, to a JSON message naming our appKey.
 * (CBC without a MAC is not authenticated encryption: every way of failing gets the one reason
 * `undecryptable`, so the answers tell a prober nothing about the padding.) The heartbeat
 * `{"test":true}` is sent when the URL is saved and while it is checked.
 * Source: AndersonBY/kwaixiaodian-python-sdk docs/开发指南和规则协议/开发文档/消息服务说明.md.
 */

const IV = Buffer.alloc(16);

function cipherName(key: Buffer): 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' {
  if (key.length === 16) return 'aes-128-cbc';
  if (key.length === 24) return 'aes-192-cbc';
  if (key.length === 32) return 'aes-256-cbc';
  throw new Error('messageKey: must be the Base64 AES key from the app console (16, 24 or 32 bytes once decoded)');
}

export function decryptKuaishou(body: string, messageKey: string): string {
  const key = Buffer.from(messageKey, 'base64');
  const d = createDecipheriv(cipherName(key), key, IV);
  return Buffer.concat([d.update(Buffer.from(body.trim(), 'base64')), d.final()]).toString('utf8');
}

/** The inverse of {@link decryptKuaishou}, for the sandbox and tests. */
export function encryptKuaishou(message: string, messageKey: string): string {
  const key = Buffer.from(messageKey, 'base64');
  const c = createCipheriv(cipherName(key), key, IV);
  return Buffer.concat([c.update(message, 'utf8'), c.final()]).toString('base64');
}

const Message = z.looseObject({
  eventId: z.string().min(1),
  bizId: KuaishouId.optional(),
  appKey: z.string().min(1),
  event: z.string().min(1),
  info: z.string().optional(),
  createTime: z.number().int().optional(),
  test: z.boolean().optional(),
});
const Heartbeat = z.object({ test: z.literal(true) }).strict();

function plainHeartbeat(raw: string): boolean {
  try {
    return Heartbeat.safeParse(parseJsonSafe(raw)).success;
  } catch {
    return false;
  }
}

function readMessage(req: WebhookRequest, messageKey: string): z.output<typeof Message> | 'heartbeat' | null {
  const raw = Buffer.from(req.rawBody).toString('utf8');
  if (plainHeartbeat(raw)) return 'heartbeat';
  let text: string;
  try {
    text = decryptKuaishou(raw, messageKey);
  } catch {
    return null;
  }
  if (plainHeartbeat(text)) return 'heartbeat';
  try {
    const m = Message.safeParse(parseJsonSafe(text));
    return m.success ? m.data : null;
  } catch {
    return null;
  }
}

export function verifyKuaishouPush(req: WebhookRequest, auth: { appKey: string; messageKey: string }): WebhookVerdict {
  const m = readMessage(req, auth.messageKey);
  // A heartbeat carries nothing to act on: accepted unsigned, never deduplicated by body.
  if (m === 'heartbeat') return { ok: true, signed: null };
  if (m === null) return { ok: false, reason: 'undecryptable' };
  return m.appKey === auth.appKey ? { ok: true } : { ok: false, reason: 'wrong_app' };
}

/**
 * One push is one message. `kwaishop_order_*` events name the order (`bizId`), which the hub
 * fetches with order.get; other events (after-sales, items) keep their name and name no order.
 */
export function parseKuaishouPush(req: WebhookRequest, messageKey: string): WebhookEvent[] {
  const m = readMessage(req, messageKey);
  if (m === null) throw new Error('body: not a Kuaishou message this app can decrypt');
  if (m === 'heartbeat' || m.test === true) return [{ messageId: m === 'heartbeat' ? 'heartbeat' : m.eventId, topic: 'test', orderId: null, payload: null }];
  const info: unknown = m.info ? parseJsonSafe(m.info) : null;
  const orderId = m.event.startsWith(KUAISHOU_ORDER_EVENT_PREFIX) ? (m.bizId ?? null) : null;
  return [{ messageId: m.eventId, topic: m.event, orderId, payload: { event: m.event, info } }];
}
