import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookVerdict } from '../../src/sdk/define.js';

export const SIGNATURE_HEADER = 'x-zhongshu-signature';
export const TIMESTAMP_HEADER = 'x-zhongshu-timestamp';
export const API_KEY_HEADER = 'x-api-key';

/**
 * The ERP webhook signature: hex(HMAC-SHA256(secret, timestamp + "." + raw body)), sent as
 * `X-Zhongshu-Signature: sha256=<hex>` with `X-Zhongshu-Timestamp: <unix seconds>`. The timestamp
 * is inside the MAC, so a captured request cannot be replayed later with a fresh timestamp.
 */
export function signErpBody(secret: string, timestamp: string | number, rawBody: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

export function verifyErpSignature(
  req: { headers: Readonly<Record<string, string | undefined>>; rawBody: Uint8Array },
  auth: { secret?: string | undefined; apiKey?: string | undefined; toleranceSeconds: number },
  nowMs: number,
): WebhookVerdict {
  const sig = req.headers[SIGNATURE_HEADER];
  if (auth.secret && sig !== undefined) {
    const ts = req.headers[TIMESTAMP_HEADER];
    if (ts === undefined) return { ok: false, reason: 'missing_timestamp' };
    if (!/^\d{1,12}$/.test(ts.trim())) return { ok: false, reason: 'malformed_timestamp' };
    if (Math.abs(nowMs / 1000 - Number(ts.trim())) > auth.toleranceSeconds) return { ok: false, reason: 'timestamp_out_of_tolerance' };
    const m = /^sha256=([0-9a-f]{64})$/i.exec(sig.trim());
    if (!m?.[1]) return { ok: false, reason: 'malformed_signature' };
    const given = Buffer.from(m[1].toLowerCase(), 'hex');
    const expected = Buffer.from(signErpBody(auth.secret, ts.trim(), req.rawBody).slice('sha256='.length), 'hex');
    return timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'invalid_signature' };
  }
  const key = req.headers[API_KEY_HEADER];
  if (auth.apiKey && key !== undefined) {
    // Hash both sides first: timingSafeEqual needs equal lengths, and the length must not leak either.
    const a = createHash('sha256').update(key).digest();
    const b = createHash('sha256').update(auth.apiKey).digest();
    // Nothing in the body is signed: a key authenticates the sender, not the content.
    return timingSafeEqual(a, b) ? { ok: true, signed: null } : { ok: false, reason: 'invalid_api_key' };
  }
  return { ok: false, reason: auth.secret ? 'missing_signature' : 'missing_api_key' };
}
