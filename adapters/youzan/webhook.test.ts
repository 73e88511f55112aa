import { describe, expect, it } from 'vitest';
import { decodeYouzanMsg, parseYouzanPush, signYouzanPush, verifyYouzanPush } from './webhook.js';

/*
 * Vector computed outside this code:
 *   python3 -c '
 *   import hashlib, json, urllib.parse
 *   msg = urllib.parse.quote_plus(json.dumps({"full_order_info":{"order_info":{"tid":"E20240501100000012345","status":"WAIT_SELLER_SEND_GOODS"}}}, separators=(",",":")))
 *   print(msg); print(hashlib.md5(("yz-client"+msg+"yz-secret").encode()).hexdigest())'
 */
const MSG = '%7B%22full_order_info%22%3A%7B%22order_info%22%3A%7B%22tid%22%3A%22E20240501100000012345%22%2C%22status%22%3A%22WAIT_SELLER_SEND_GOODS%22%7D%7D%7D';
const SIGN = 'c622c6208a29e102f618fa9db847e223';
const push = (over: Record<string, unknown> = {}) =>
  new TextEncoder().encode(
    JSON.stringify({ client_id: 'yz-client', id: 'E20240501100000012345', kdt_id: 123, type: 'trade_TradePaid', status: 'WAIT_SELLER_SEND_GOODS', msg: MSG, msg_id: 'm-1', version: 1714528800, sendCount: 0, test: false, sign: SIGN, ...over }),
  );

describe('Youzan push verification', () => {
  it('matches the independent vector over the still-encoded msg', () => {
    expect(signYouzanPush('yz-client', MSG, 'yz-secret')).toBe(SIGN);
    // What is signed is client_id + msg; msg_id, status and version are not.
    expect(verifyYouzanPush(push(), 'yz-client', 'yz-secret')).toEqual({ ok: true, signed: Buffer.from(`yz-client${MSG}`) });
    expect(verifyYouzanPush(push({ msg_id: 'forged' }), 'yz-client', 'yz-secret')).toEqual({ ok: true, signed: Buffer.from(`yz-client${MSG}`) });
  });
  it('rejects a tampered msg, a wrong signature, another client and a non-JSON body', () => {
    expect(verifyYouzanPush(push({ msg: MSG.replace('SEND', 'SENT') }), 'yz-client', 'yz-secret')).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyYouzanPush(push({ sign: SIGN.replace('c', 'd') }), 'yz-client', 'yz-secret')).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyYouzanPush(push(), 'yz-client', 'other-secret')).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyYouzanPush(push({ client_id: 'someone-else' }), 'yz-client', 'yz-secret')).toEqual({ ok: false, reason: 'wrong_app' });
    expect(verifyYouzanPush(new TextEncoder().encode('msg=x'), 'yz-client', 'yz-secret')).toEqual({ ok: false, reason: 'malformed_body' });
    // signing the DECODED msg must not verify: the platform signs the encoded text
    expect(verifyYouzanPush(push({ sign: signYouzanPush('yz-client', decodeYouzanMsg(MSG), 'yz-secret') }), 'yz-client', 'yz-secret')).toMatchObject({ ok: false });
  });
});

describe('Youzan push parsing', () => {
  it('decodes msg, keeps type, version and the message id', () => {
    expect(parseYouzanPush(push())).toEqual([
      {
        messageId: 'm-1',
        topic: 'trade_TradePaid',
        orderId: 'E20240501100000012345',
        payload: { type: 'trade_TradePaid', status: 'WAIT_SELLER_SEND_GOODS', version: 1714528800, kdtId: '123', sendCount: 0, order: { full_order_info: { order_info: { tid: 'E20240501100000012345', status: 'WAIT_SELLER_SEND_GOODS' } } } },
      },
    ]);
  });
  it('a test message becomes topic test with no order', () => {
    expect(parseYouzanPush(push({ test: true, msg: '' }))).toEqual([{ messageId: 'm-1', topic: 'test', orderId: null, payload: { test: true } }]);
  });
  it('decodes + as a space like Java URLEncoder, %2B as +', () => {
    expect(decodeYouzanMsg('a+b%2Bc')).toBe('a b+c');
  });
  it('throws on a msg that is not URL-encoded JSON', () => {
    expect(() => parseYouzanPush(push({ msg: '%7Bnot' }))).toThrow('youzan');
  });
});
