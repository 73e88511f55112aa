import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signErpBody, verifyErpSignature } from './signature.js';

const secret = 'erp-secret';
const body = new TextEncoder().encode('{"id":"evt-1","type":"order.shipped"}');
const now = 1_780_000_000_000;
const ts = String(now / 1000);
const auth = { secret, toleranceSeconds: 300 };

describe('ERP webhook signature', () => {
  it('is hex HMAC-SHA256 over timestamp + "." + raw body (fixed vector)', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.{"id":"evt-1","type":"order.shipped"}`).digest('hex');
    expect(signErpBody(secret, ts, body)).toBe(`sha256=${expected}`);
    // Pinned: what an ERP developer gets for key "k", timestamp 1700000000 and body "{}".
    expect(signErpBody('k', '1700000000', '{}')).toBe('sha256=c6ef4734033cee2367414a0939385eca0397754aa7a59716da7463a9298b5146');
  });
  it('accepts a good signature and rejects a tampered body or a wrong key', () => {
    const headers = { 'x-zhongshu-timestamp': ts, 'x-zhongshu-signature': signErpBody(secret, ts, body) };
    expect(verifyErpSignature({ headers, rawBody: body }, auth, now)).toEqual({ ok: true });
    expect(verifyErpSignature({ headers, rawBody: new TextEncoder().encode('{"id":"evt-2"}') }, auth, now)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyErpSignature({ headers: { ...headers, 'x-zhongshu-signature': signErpBody('other', ts, body) }, rawBody: body }, auth, now)).toEqual({ ok: false, reason: 'invalid_signature' });
  });
  it('rejects timestamps beyond the tolerance either way, and a re-signed old body cannot reuse its MAC', () => {
    for (const skew of [301, -301]) {
      const t = String(now / 1000 + skew);
      const headers = { 'x-zhongshu-timestamp': t, 'x-zhongshu-signature': signErpBody(secret, t, body) };
      expect(verifyErpSignature({ headers, rawBody: body }, auth, now)).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    }
    // A captured signature with a fresh timestamp header: the timestamp is inside the MAC.
    const old = signErpBody(secret, String(now / 1000 - 3600), body);
    expect(verifyErpSignature({ headers: { 'x-zhongshu-timestamp': ts, 'x-zhongshu-signature': old }, rawBody: body }, auth, now)).toEqual({ ok: false, reason: 'invalid_signature' });
  });
  it('names what is missing or malformed', () => {
    expect(verifyErpSignature({ headers: {}, rawBody: body }, auth, now)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyErpSignature({ headers: { 'x-zhongshu-signature': 'sha256=00' }, rawBody: body }, auth, now)).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(verifyErpSignature({ headers: { 'x-zhongshu-signature': 'sha256=00', 'x-zhongshu-timestamp': 'soon' }, rawBody: body }, auth, now)).toEqual({ ok: false, reason: 'malformed_timestamp' });
    expect(verifyErpSignature({ headers: { 'x-zhongshu-signature': 'md5=00', 'x-zhongshu-timestamp': ts }, rawBody: body }, auth, now)).toEqual({ ok: false, reason: 'malformed_signature' });
  });
  it('accepts an API key instead, compared in constant time', () => {
    const k = { apiKey: 'key-123', toleranceSeconds: 300 };
    // Nothing signed: the hub has no signed body to deduplicate replays by.
    expect(verifyErpSignature({ headers: { 'x-api-key': 'key-123' }, rawBody: body }, k, now)).toEqual({ ok: true, signed: null });
    expect(verifyErpSignature({ headers: { 'x-api-key': 'key-12' }, rawBody: body }, k, now)).toEqual({ ok: false, reason: 'invalid_api_key' });
    expect(verifyErpSignature({ headers: {}, rawBody: body }, k, now)).toEqual({ ok: false, reason: 'missing_api_key' });
  });
});
