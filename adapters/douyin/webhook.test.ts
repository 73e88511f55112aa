import { describe, expect, it } from 'vitest';
import { parseDouyinPush, signDouyinPush, verifyDouyinPush } from './webhook.js';

/*
 * Vector computed outside this code:
 *   python3 -c 'import hashlib; body=open("/dev/stdin").read(); print(hashlib.md5(("7000000000000000001"+body+"dy-secret").encode()).hexdigest())' <<< ... (no trailing newline)
 *   i.e. hex(MD5(app_key + raw_body + app_secret)) of BODY below.
 */
const BODY = '[{"tag":"105","msg_id":"7012345678901234567","data":"{\\"p_id\\":4987654321098765432,\\"shop_id\\":12345,\\"receiver_msg\\":{}}"}]';
const SIGN = '24e00bad8aa9b3c52d9ee5ca290ff94a';
const APP = { key: '7000000000000000001', secret: 'dy-secret' };
const raw = (s: string) => new TextEncoder().encode(s);

describe('Douyin push verification', () => {
  it('matches the independent vector and accepts it', () => {
    expect(signDouyinPush(BODY, APP.key, APP.secret)).toBe(SIGN);
    expect(verifyDouyinPush(raw(BODY), { 'event-sign': SIGN, 'app-id': APP.key }, APP.key, APP.secret)).toEqual({ ok: true });
  });
  it('rejects a tampered body, a wrong signature, a wrong secret, another app and a missing header', () => {
    expect(verifyDouyinPush(raw(BODY.replace('105', '101')), { 'event-sign': SIGN }, APP.key, APP.secret)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyDouyinPush(raw(BODY), { 'event-sign': SIGN.replace('2', '3') }, APP.key, APP.secret)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyDouyinPush(raw(BODY), { 'event-sign': SIGN }, APP.key, 'other')).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyDouyinPush(raw(BODY), { 'event-sign': SIGN, 'app-id': '1' }, APP.key, APP.secret)).toEqual({ ok: false, reason: 'wrong_app' });
    expect(verifyDouyinPush(raw(BODY), {}, APP.key, APP.secret)).toEqual({ ok: false, reason: 'missing_signature' });
  });
});

describe('Douyin push parsing', () => {
  it('returns one event per item with the message id, the tag meaning and the exact parent order id', () => {
    expect(parseDouyinPush(raw(BODY))).toEqual([
      { messageId: '7012345678901234567', topic: 'order.address-changed', orderId: '4987654321098765432', payload: { tag: '105', data: { p_id: '4987654321098765432', shop_id: 12345, receiver_msg: {} } } },
    ]);
  });
  it('keeps unknown and after-sales tags as numbers without an order to fetch, and refuses a body that is not the array', () => {
    const events = parseDouyinPush(raw('[{"tag":101,"msg_id":"1","data":"{\\"p_id\\":\\"42\\"}"},{"tag":"201","msg_id":"2","data":"{\\"aftersale_id\\":7,\\"p_id\\":\\"43\\"}"}]'));
    expect(events.map((e) => [e.messageId, e.topic, e.orderId])).toEqual([['1', 'order.paid', '42'], ['2', '201', null]]);
    expect(() => parseDouyinPush(raw('{"tag":"101"}'))).toThrow();
  });
});
