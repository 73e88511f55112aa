import { z } from 'zod';
import type { WebhookEvent } from '../../src/sdk/define.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { TopId } from './transport.js';

/**
 * Taobao Message Service (TMC) messages. TMC delivers over its own long connection, not a
 * signed webhook, so this is a pure parser: whatever consumes TMC hands each message here and
 * gets the hub's WebhookEvent. A message is only a trigger: re-fetch the trade, dedupe on `id`.
 */
export const TMC_TOPICS = {
  TRADE_CREATE: 'taobao_trade_TradeCreate',
  TRADE_BUYER_PAY: 'taobao_trade_TradeBuyerPay',
  TRADE_SELLER_SHIP: 'taobao_trade_TradeSellerShip',
  TRADE_SUCCESS: 'taobao_trade_TradeSuccess',
  TRADE_CLOSE: 'taobao_trade_TradeClose',
  TRADE_MEMO_MODIFIED: 'taobao_trade_TradeMemoModified',
  TRADE_LOGISTICS_ADDRESS_CHANGED: 'taobao_trade_TradeLogisticsAddressChanged',
  TRADE_PARTLY_REFUND: 'taobao_trade_TradePartlyRefund',
  REFUND_CREATED: 'taobao_refund_RefundCreated',
} as const;
export type TmcTopic = (typeof TMC_TOPICS)[keyof typeof TMC_TOPICS];
const KNOWN: ReadonlySet<string> = new Set(Object.values(TMC_TOPICS));

export function isKnownTmcTopic(topic: string): topic is TmcTopic {
  return KNOWN.has(topic);
}

const Envelope = z.looseObject({
  id: TopId,
  topic: z.string().min(1),
  pub_time: z.string().optional(),
  pub_app_key: z.string().optional(),
  user_id: TopId.optional(),
  // user_nick is the seller's nick: kept, it is not buyer PII.
  user_nick: z.string().optional(),
  content: z.string(),
});

const Content = z.looseObject({ tid: TopId.optional(), oid: TopId.optional(), refund_id: TopId.optional() });

export type TmcResult = { ok: true; event: WebhookEvent } | { ok: false; reason: string };

/**
 * Parses one TMC message (its JSON text, or an object already parsed with parseJsonSafe).
 * `content` is itself a JSON string; both are parsed so that tid/oid beyond 2^53 stay exact.
 */
export function parseTmcMessage(message: string | unknown): TmcResult {
  let raw: unknown;
  try {
    raw = typeof message === 'string' ? parseJsonSafe(message) : message;
  } catch {
    return { ok: false, reason: 'envelope is not JSON' };
  }
  const env = Envelope.safeParse(raw);
  if (!env.success) return { ok: false, reason: `not a TMC envelope: ${env.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}` };
  let contentRaw: unknown;
  try {
    contentRaw = parseJsonSafe(env.data.content);
  } catch {
    return { ok: false, reason: 'content is not a JSON string' };
  }
  const content = Content.safeParse(contentRaw);
  if (!content.success) return { ok: false, reason: 'content has a malformed tid/oid' };
  return {
    ok: true,
    event: {
      messageId: env.data.id,
      topic: env.data.topic,
      orderId: content.data.tid ?? null,
      payload: {
        topic: env.data.topic,
        pubTime: env.data.pub_time ?? null,
        sellerId: env.data.user_id ?? null,
        sellerNick: env.data.user_nick ?? null,
        known: isKnownTmcTopic(env.data.topic),
        content: content.data,
      },
    },
  };
}
