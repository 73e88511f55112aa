import { createHmac, timingSafeEqual } from 'node:crypto';

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing_signature' | 'malformed_signature' | 'invalid_signature' };

/**
 * Shopify signs each delivery with base64(HMAC-SHA256(app secret, raw body)) in
 * X-Shopify-Hmac-Sha256. The raw bytes must be used: re-serialised JSON would not match.
 */
export function verifyShopifyHmac(rawBody: Uint8Array, header: string | undefined, secret: string): VerifyResult {
  if (!header) return { ok: false, reason: 'missing_signature' };
  const given = Buffer.from(header.trim(), 'base64');
  if (given.length !== 32) return { ok: false, reason: 'malformed_signature' };
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'invalid_signature' };
}

export function signShopifyBody(rawBody: Uint8Array | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}
