import { describe, expect, it } from 'vitest';
import { parseOwnStoreEvent, verifyOwnStoreEvent } from './webhook.js';

/*
 * Vector computed outside this code:
 *   python3 -c 'import hmac,hashlib; print(hmac.new(b"own-secret", ("1714528800." + BODY).encode(), hashlib.sha256).hexdigest())'
 */
const BODY = '{"id":"evt-1","type":"order.paid","order":{"orderNo":"MP20261111000123"}}';
const SIG = 'sha256=a1b8dc984d115a170732a15af616681683f941ffbb4a053f4c49eb1241864227';
const TS = '1714528800';
const NOW = 1714528800_000;
const raw = (s: string) => new TextEncoder().encode(s);
const headers = (ts = TS, sig = SIG) => ({ 'x-zhongshu-timestamp': ts, 'x-zhongshu-signature': sig });

describe('own-store event signature', () => {
  it('accepts the independent vector within the tolerance', () => {
    expect(verifyOwnStoreEvent({ headers: headers(), rawBody: raw(BODY) }, 'own-secret', 300, NOW + 299_000)).toEqual({ ok: true });
  });
  it('refuses a tampered body, another secret, an old timestamp, and missing headers, each with its reason', () => {
    expect(verifyOwnStoreEvent({ headers: headers(), rawBody: raw(BODY.replace('paid', 'created')) }, 'own-secret', 300, NOW)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyOwnStoreEvent({ headers: headers(), rawBody: raw(BODY) }, 'other', 300, NOW)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyOwnStoreEvent({ headers: headers(), rawBody: raw(BODY) }, 'own-secret', 300, NOW + 301_000)).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyOwnStoreEvent({ headers: { 'x-zhongshu-signature': SIG }, rawBody: raw(BODY) }, 'own-secret', 300, NOW)).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(verifyOwnStoreEvent({ headers: {}, rawBody: raw(BODY) }, 'own-secret', 300, NOW)).toEqual({ ok: false, reason: 'missing_signature' });
  });
});

describe('own-store event parsing', () => {
  it('one event carrying the whole order, named by the order number', () => {
    expect(parseOwnStoreEvent({ headers: {}, rawBody: raw(BODY) })).toEqual([{ messageId: 'evt-1', topic: 'order.paid', orderId: 'MP20261111000123', payload: { order: { orderNo: 'MP20261111000123' } } }]);
  });
  it('refuses an unknown type, a missing order number and extra fields, naming the field', () => {
    expect(() => parseOwnStoreEvent({ headers: {}, rawBody: raw('{"id":"e","type":"order.exploded","order":{"orderNo":"1"}}') })).toThrow(/type/);
    expect(() => parseOwnStoreEvent({ headers: {}, rawBody: raw('{"id":"e","type":"order.paid","order":{}}') })).toThrow(/order\.orderNo/);
    expect(() => parseOwnStoreEvent({ headers: {}, rawBody: raw('{"id":"e","type":"order.paid","order":{"orderNo":"1"},"x":1}') })).toThrow(/Unrecognized key/);
  });
});
