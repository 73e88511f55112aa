import { describe, expect, it } from 'vitest';
import { answerWeChatChallenge, decryptWeChat, encryptWeChat, parseWeChatPush, verifyWeChatPush, wechatSignature } from './webhook.js';

/*
 * Vectors computed outside this code (python3 hashlib + cryptography, AES-256-CBC, no padding by the lib):
 *   sig  = sha1(''.join(sorted([token, ts, nonce])))
 *   key  = b64decode(AES + '='); raw = b'0123456789abcdef' + len(msg) as >I + msg + appid, PKCS#7 to 32
 *   ENCRYPT = b64(AES-CBC(key, iv=key[:16], raw)); msg_signature = sha1(''.join(sorted([token, ts, nonce, ENCRYPT])))
 */
const TOKEN = 'zs-push-token';
const TS = '1794326405';
const NONCE = '1320562132';
const AES = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APP = 'wx1234567890abcdef';
const PLAIN_SIG = '2de43da935b9b0d790845c590d14a9dd1a0825b0';
const MSG = '{"ToUserName":"gh_0123456789ab","FromUserName":"OPENID","CreateTime":1794326400,"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":3705115058471208928,"pay_time":1794326400}}';
const ENCRYPT =
  'Q3stYC6hdFzMh9T8HCvyDD1au/qrxuRNVg6bgz0rQ57Ze9gTrY+56txKvWo6waFAsPPL5i2XtpXs71CJ7RC0zmSb+6E4PxxRRrVAk+Aci1Ksi71o62v99ShyD97OivB2V5+pNzpwTkx1s446RT1ipWqzXZIRH7sWWfEkhdakN+hTDWYaxeaBaWmns/vW0eCscvnOdvKmGINfAJ1bUXKuUZvDbWbebt1Uwad+s4Q4rmjXyEFjlypiKEPF0VlLhFzjURrwuDs7FA0DCDPxPj3MxJUloXlhYh1dkFFfgq5P8gV4/8o/msadX5ENSTw8x7yvQPWR8OOyEfk+Twc8R17OQg==';
const MSG_SIG = '7e0ea1b6398002066dddfccf60671d38577d464d';
const raw = (s: string) => new TextEncoder().encode(s);
const safeBody = raw(JSON.stringify({ ToUserName: 'gh_0123456789ab', Encrypt: ENCRYPT }));

describe('WeChat push signature and encryption', () => {
  it('matches the independent vectors', () => {
    expect(wechatSignature([TOKEN, TS, NONCE])).toBe(PLAIN_SIG);
    expect(wechatSignature([TOKEN, TS, NONCE, ENCRYPT])).toBe(MSG_SIG);
    expect(encryptWeChat(MSG, APP, AES, Buffer.from('0123456789abcdef'))).toBe(ENCRYPT);
    expect(decryptWeChat(ENCRYPT, AES)).toEqual({ message: MSG, appId: APP });
  });

  it('plaintext mode: accepts the signed query, refuses a wrong token, a missing nonce, a missing signature', () => {
    const q = { timestamp: TS, nonce: NONCE, signature: PLAIN_SIG };
    const v = verifyWeChatPush({ headers: {}, rawBody: raw(MSG), query: q }, { token: TOKEN, appId: APP });
    expect(v.ok).toBe(true);
    // The body is not signed in plaintext mode, so the delivery is identified by timestamp, nonce and body.
    expect(v.ok && Buffer.from(v.signed ?? []).toString()).toBe(`${TS}\n${NONCE}\n${MSG}`);
    expect(verifyWeChatPush({ headers: {}, rawBody: raw(MSG), query: q }, { token: 'other', appId: APP })).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyWeChatPush({ headers: {}, rawBody: raw(MSG), query: { timestamp: TS, signature: PLAIN_SIG } }, { token: TOKEN, appId: APP })).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(verifyWeChatPush({ headers: {}, rawBody: raw(MSG), query: { timestamp: TS, nonce: NONCE } }, { token: TOKEN, appId: APP })).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('safe mode: accepts msg_signature over the ciphertext, refuses a tampered ciphertext, another app, and a plaintext push', () => {
    const q = { timestamp: TS, nonce: NONCE, encrypt_type: 'aes', msg_signature: MSG_SIG };
    const auth = { token: TOKEN, encodingAesKey: AES, appId: APP };
    expect(verifyWeChatPush({ headers: {}, rawBody: safeBody, query: q }, auth).ok).toBe(true);
    const tampered = raw(JSON.stringify({ ToUserName: 'gh_0123456789ab', Encrypt: `A${ENCRYPT.slice(1)}` }));
    expect(verifyWeChatPush({ headers: {}, rawBody: tampered, query: q }, auth)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyWeChatPush({ headers: {}, rawBody: safeBody, query: q }, { ...auth, appId: 'wxother' })).toEqual({ ok: false, reason: 'wrong_app' });
    expect(verifyWeChatPush({ headers: {}, rawBody: raw(MSG), query: { timestamp: TS, nonce: NONCE, signature: PLAIN_SIG } }, auth)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyWeChatPush({ headers: {}, rawBody: raw(MSG), query: q }, auth)).toEqual({ ok: false, reason: 'not_encrypted' });
  });

  it('answers the URL check with echostr only when it is signed', () => {
    expect(answerWeChatChallenge({ headers: {}, rawBody: new Uint8Array(), query: { timestamp: TS, nonce: NONCE, signature: PLAIN_SIG, echostr: 'e-123' } }, TOKEN)).toBe('e-123');
    expect(answerWeChatChallenge({ headers: {}, rawBody: new Uint8Array(), query: { timestamp: TS, nonce: NONCE, signature: PLAIN_SIG.replace('2', '3'), echostr: 'e-123' } }, TOKEN)).toBeNull();
    expect(answerWeChatChallenge({ headers: {}, rawBody: new Uint8Array(), query: { timestamp: TS, nonce: NONCE, signature: PLAIN_SIG } }, TOKEN)).toBeNull();
  });
});

describe('WeChat push parsing', () => {
  it('decrypts a safe-mode push and names the order exactly (int64 beyond 2^53)', () => {
    expect(parseWeChatPush({ headers: {}, rawBody: safeBody }, AES)).toEqual([
      { messageId: 'channels_ec_order_pay:3705115058471208928:1794326400', topic: 'order.paid', orderId: '3705115058471208928', payload: { event: 'channels_ec_order_pay', data: expect.objectContaining({ Event: 'channels_ec_order_pay' }) } },
    ]);
  });
  it('keeps other events by name without an order, and refuses bodies it cannot read', () => {
    const other = parseWeChatPush({ headers: {}, rawBody: raw('{"CreateTime":1794326400,"MsgType":"event","Event":"product_spu_audit","product_id":1}') }, undefined);
    expect(other.map((e) => [e.topic, e.orderId])).toEqual([['product_spu_audit', null]]);
    expect(() => parseWeChatPush({ headers: {}, rawBody: safeBody }, undefined)).toThrow(/encodingAesKey/);
    expect(() => parseWeChatPush({ headers: {}, rawBody: raw('{"Event":"x"}') }, undefined)).toThrow();
  });
});
