import { describe, expect, it } from 'vitest';
import { signShopifyBody, verifyShopifyHmac } from './webhook.js';

// Vector worked out independently: printf '%s' '{"id":1}' | openssl dgst -sha256 -hmac secret -binary | base64
const VECTOR = { body: '{"id":1}', secret: 'secret', hmac: 'A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=' };

describe('Shopify webhook HMAC', () => {
  it('matches a vector computed outside this code', () => {
    expect(signShopifyBody(VECTOR.body, VECTOR.secret)).toBe(VECTOR.hmac);
    expect(verifyShopifyHmac(Buffer.from(VECTOR.body), VECTOR.hmac, VECTOR.secret)).toEqual({ ok: true });
  });
  it('rejects a tampered body, a wrong secret, a missing and a malformed header', () => {
    expect(verifyShopifyHmac(Buffer.from('{"id":2}'), VECTOR.hmac, VECTOR.secret)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyShopifyHmac(Buffer.from(VECTOR.body), VECTOR.hmac, 'other')).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyShopifyHmac(Buffer.from(VECTOR.body), undefined, VECTOR.secret)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyShopifyHmac(Buffer.from(VECTOR.body), 'abc', VECTOR.secret)).toEqual({ ok: false, reason: 'malformed_signature' });
  });
});
