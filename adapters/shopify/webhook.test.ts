import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
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

describe('Shopify parseWebhook', () => {
  const instance = async () => {
    const { default: shopify } = await import('./index.js');
    const config = shopify.configSchema.parse({ shop: 'zhongshu-test.myshopify.com', webhookSecret: 'secret' });
    return shopify.create(config, { logger: createLogger({ level: 'silent' }), fetch, mappings: null, now: () => new Date() });
  };
  const req = (body: string) => ({ headers: { 'x-shopify-webhook-id': 'wh-1', 'x-shopify-topic': 'orders/create' }, rawBody: Buffer.from(body) });

  it('reads ids beyond 2^53 exactly, with the JSON reader the hub uses everywhere', async () => {
    const [ev] = (await instance()).parseWebhook?.(req('{"id":4987654321098765432,"line_items":[{"id":12345678901234567891}]}')) ?? [];
    expect(ev).toMatchObject({ messageId: 'wh-1', topic: 'orders/create', orderId: '4987654321098765432' });
    expect(JSON.stringify(ev?.payload)).toContain('12345678901234567891');
  });

  it('names the body when it is not JSON', async () => {
    const inst = await instance();
    expect(() => inst.parseWebhook?.(req('{"id":'))).toThrow(/^body: not valid JSON/);
  });
});
