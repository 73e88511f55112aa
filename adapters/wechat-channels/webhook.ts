import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { WebhookEvent, WebhookRequest, WebhookVerdict } from '../../src/sdk/define.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { signaturesEqual } from '../_shared/signing.js';
import { WECHAT_ORDER_EVENTS } from './constants.js';
import { WeChatId } from './transport.js';

/**
 * The WeChat message push (消息推送), JSON format, as the shop (微信小店) uses it. The signature
 * travels in the URL query, not in headers:
 * - plaintext mode: `signature` = hex(SHA1(sort([token, timestamp, nonce]).join(''))); the body
 *   itself is NOT covered, so the hub deduplicates by timestamp + nonce + body;
 * - safe mode (`encrypt_type=aes`): the body is `{"ToUserName", "Encrypt"}` and `msg_signature` =
 *   hex(SHA1(sort([token, timestamp, nonce, Encrypt]).join(''))); Encrypt is AES-256-CBC with
 *   key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to 32 bytes,
 *   over random(16) + length(4, big-endian) + message + appid.
 * Sources: developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 * (signature, safe mode); WeChat's published WXBizMsgCrypt samples describe the same layout.
 */

type Query = Readonly<Record<string, string | undefined>>;

export function wechatSignature(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join(''), 'utf8').digest('hex');
}

function aesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('encodingAesKey: must be the 43-character key from the push settings (32 bytes once decoded)');
  return key;
}

/** Decrypts an `Encrypt` field; returns the message and the appid appended to it. Throws when it is not that shape. */
export function decryptWeChat(encrypted: string, encodingAesKey: string): { message: string; appId: string } {
  const key = aesKey(encodingAesKey);
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(Buffer.from(encrypted, 'base64')), d.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > 32) throw new Error('Encrypt: bad padding');
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < 20) throw new Error('Encrypt: too short');
  const len = body.readUInt32BE(16);
  if (20 + len > body.length) throw new Error('Encrypt: length beyond the message');
  return { message: body.subarray(20, 20 + len).toString('utf8'), appId: body.subarray(20 + len).toString('utf8') };
}

/** The inverse of {@link decryptWeChat}, for the sandbox and tests (random prefix unless given). */
export function encryptWeChat(message: string, appId: string, encodingAesKey: string, prefix: Buffer = randomBytes(16)): string {
  const key = aesKey(encodingAesKey);
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const raw = Buffer.concat([prefix, len, msg, Buffer.from(appId, 'utf8')]);
  const pad = 32 - (raw.length % 32);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([raw, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
}

export interface WeChatPushAuth {
  token: string;
  /** Set: safe mode is required and plaintext pushes are refused. */
  encodingAesKey?: string | undefined;
  appId: string;
}

const Encrypted = z.looseObject({ Encrypt: z.string().min(1) });

export function verifyWeChatPush(req: WebhookRequest, auth: WeChatPushAuth): WebhookVerdict {
  const q: Query = req.query ?? {};
  const timestamp = q['timestamp'];
  const nonce = q['nonce'];
  if (!timestamp || !nonce) return { ok: false, reason: 'missing_timestamp' };
  if (auth.encodingAesKey) {
    const given = q['msg_signature'];
    if (!given) return { ok: false, reason: 'missing_signature' };
    let encrypt: string;
    try {
      const body = Encrypted.safeParse(parseJsonSafe(Buffer.from(req.rawBody).toString('utf8')));
      if (!body.success) return { ok: false, reason: 'not_encrypted' };
      encrypt = body.data.Encrypt;
    } catch {
      return { ok: false, reason: 'not_encrypted' };
    }
    if (!signaturesEqual(given, wechatSignature([auth.token, timestamp, nonce, encrypt]))) return { ok: false, reason: 'invalid_signature' };
    try {
      if (decryptWeChat(encrypt, auth.encodingAesKey).appId !== auth.appId) return { ok: false, reason: 'wrong_app' };
    } catch {
      return { ok: false, reason: 'undecryptable' };
    }
    // The signature covers timestamp, nonce and the ciphertext: exactly the raw body's content.
    return { ok: true, signed: Buffer.from(`${timestamp}\n${nonce}\n${encrypt}`, 'utf8') };
  }
  const given = q['signature'];
  if (!given) return { ok: false, reason: 'missing_signature' };
  if (!signaturesEqual(given, wechatSignature([auth.token, timestamp, nonce]))) return { ok: false, reason: 'invalid_signature' };
  // Plaintext mode signs no body: the delivery is identified by what was signed plus the body.
  return { ok: true, signed: Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), Buffer.from(req.rawBody)]) };
}

/** GET URL verification when the push URL is saved: the echostr back when the signature is right, else null. */
export function answerWeChatChallenge(req: WebhookRequest, token: string): string | null {
  const q: Query = req.query ?? {};
  const [signature, timestamp, nonce, echostr] = [q['signature'], q['timestamp'], q['nonce'], q['echostr']];
  if (!signature || !timestamp || !nonce || echostr === undefined) return null;
  return signaturesEqual(signature, wechatSignature([token, timestamp, nonce])) ? echostr : null;
}

const EVENT_TOPICS: ReadonlyMap<string, string> = new Map(Object.entries(WECHAT_ORDER_EVENTS));

const Message = z.looseObject({
  ToUserName: z.string().optional(),
  CreateTime: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  MsgType: z.string(),
  Event: z.string().optional(),
  order_info: z.looseObject({ order_id: WeChatId }).optional(),
});

/**
 * One push is one message. Order events become topics such as `order.paid` and name the order
 * (`order_info.order_id`), which the hub fetches with order.get; other events keep their name and
 * name no order. WeChat sends no message id, and a re-push repeats the event's CreateTime, so
 * event + order + CreateTime identifies the message.
 */
export function parseWeChatPush(req: WebhookRequest, encodingAesKey: string | undefined): WebhookEvent[] {
  let doc: unknown = parseJsonSafe(Buffer.from(req.rawBody).toString('utf8'));
  const enc = Encrypted.safeParse(doc);
  if (enc.success) {
    if (!encodingAesKey) throw new Error('Encrypt: an encrypted push but no encodingAesKey is configured');
    doc = parseJsonSafe(decryptWeChat(enc.data.Encrypt, encodingAesKey).message);
  }
  const m = Message.parse(doc);
  const event = m.Event ?? m.MsgType;
  const topic = EVENT_TOPICS.get(event) ?? event;
  const orderId = EVENT_TOPICS.has(event) ? (m.order_info?.order_id ?? null) : null;
  return [{ messageId: `${event}:${orderId ?? '-'}:${m.CreateTime}`, topic, orderId, payload: { event, data: doc } }];
}
