import { describe, expect, it } from 'vitest';
import { decryptKuaishou, encryptKuaishou, parseKuaishouPush, verifyKuaishouPush } from './webhook.js';

/*
 * Vector computed outside this code (python3 cryptography): AES-256-CBC, IV 16 zero bytes, PKCS7,
 * key = b'0123456789abcdef0123456789abcdef' (Base64 below), CT = base64(ciphertext of MSG).
 */
const KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
const APP = 'ks650000000000000001';
const MSG = '{"eventId":"267_2345_147402","bizId":2015600256209850123,"userId":12342323,"openId":"dafagkncislgga","appKey":"ks650000000000000001","event":"kwaishop_order_paySuccess","info":"{\\"oid\\":2015600256209850123,\\"sellerId\\":12342323}","createTime":1794326405000}';
const CT =
  '9r48XJi5LZmk6IQRWhmeCwZiAY12uNHraMeKOl2V3PBF97qFPOgg02QMEgQy1OiGEpeGUX6uQeO/zRaKpSQTARCgjleu4K6zmQxZa8RJBQ1BPbMvJe4X3rfC8j52l3L+Vysp/2Ud4MUR9aeL2RLSi+ONrieXhkO3qP9086uJwwPRQDgX33nQtnbOLA0Jq7dqd6HCac1UOZXTh0EBqf8sEeuv0LM9MyzZBiwhlP6DVQAGG1ggrDHkaztffKT+NaO4gUs3wuWm95sLJ+Q20fO8fGktmXkjleBBs13LKZgTa5y05URmGXTQchJzs85HmznoW83UqfAHFbmfq1x+1beQJT6dsUNGlA0GRpycItOuT4c=';
const raw = (s: string) => new TextEncoder().encode(s);
const auth = { appKey: APP, messageKey: KEY };

describe('Kuaishou push decryption', () => {
  it('matches the independent vector both ways', () => {
    expect(encryptKuaishou(MSG, KEY)).toBe(CT);
    expect(decryptKuaishou(CT, KEY)).toBe(MSG);
  });
  it('accepts our app\'s message; refuses another key, another app, a tampered body with one reason; takes the plain heartbeat', () => {
    expect(verifyKuaishouPush({ headers: {}, rawBody: raw(CT) }, auth)).toEqual({ ok: true });
    expect(verifyKuaishouPush({ headers: {}, rawBody: raw(CT) }, { ...auth, messageKey: Buffer.from('fedcba9876543210fedcba9876543210').toString('base64') })).toEqual({ ok: false, reason: 'undecryptable' });
    expect(verifyKuaishouPush({ headers: {}, rawBody: raw(CT) }, { ...auth, appKey: 'ks-other' })).toEqual({ ok: false, reason: 'wrong_app' });
    expect(verifyKuaishouPush({ headers: {}, rawBody: raw(`${CT.slice(0, 40)}AAAA${CT.slice(44)}`) }, auth)).toEqual({ ok: false, reason: 'undecryptable' });
    expect(verifyKuaishouPush({ headers: {}, rawBody: raw('{"eventId":"x","appKey":"ks650000000000000001","event":"kwaishop_order_paySuccess"}') }, auth)).toEqual({ ok: false, reason: 'undecryptable' });
    expect(verifyKuaishouPush({ headers: {}, rawBody: raw('{"test":true}') }, auth)).toEqual({ ok: true, signed: null });
    expect(verifyKuaishouPush({ headers: {}, rawBody: raw(encryptKuaishou('{"test":true}', KEY)) }, auth)).toEqual({ ok: true, signed: null });
  });
});

describe('Kuaishou push parsing', () => {
  it('an order event names the order exactly (int64 beyond 2^53) and keeps its info', () => {
    expect(parseKuaishouPush({ headers: {}, rawBody: raw(CT) }, KEY)).toEqual([
      { messageId: '267_2345_147402', topic: 'kwaishop_order_paySuccess', orderId: '2015600256209850123', payload: { event: 'kwaishop_order_paySuccess', info: { oid: '2015600256209850123', sellerId: 12342323 } } },
    ]);
  });
  it('after-sales events name no order; the heartbeat is a test; a body it cannot read throws', () => {
    const refund = encryptKuaishou(JSON.stringify({ eventId: 'e2', bizId: 9, appKey: APP, event: 'kwaishop_aftersales_addRefund', info: '{}' }), KEY);
    expect(parseKuaishouPush({ headers: {}, rawBody: raw(refund) }, KEY).map((e) => [e.topic, e.orderId])).toEqual([['kwaishop_aftersales_addRefund', null]]);
    expect(parseKuaishouPush({ headers: {}, rawBody: raw('{"test":true}') }, KEY).map((e) => e.topic)).toEqual(['test']);
    expect(() => parseKuaishouPush({ headers: {}, rawBody: raw('garbage') }, KEY)).toThrow(/decrypt/);
  });
});
