import { describe, expect, it } from 'vitest';
import { enterpriseSignBase, signEnterprise, signUltimate, splitUltimateSecret, ULTIMATE_EPOCH_S, ultimateTimestamp } from './sign.js';

// Vectors computed outside this code (python3, then openssl for the md5):
//   python3 -c "import hashlib; print(hashlib.md5(open('/dev/stdin','rb').read()).hexdigest())"
//   printf '%s' '06-appkey:0008-test2-xx;07-shop_no:0008-api_test;03-sid:0005-test2;09-timestamp:0010-1470042310;10-trade_list:0035-[{"tid":"T1","receiver_name":"张三"}]12345' | openssl dgst -md5
//     -> 6288a5a8fb75c4f317723fd61621674c   (lengths in characters: the value is 35 chars)
//   same with 0039 (the value is 39 UTF-8 bytes)                            -> 2c9fe6c4c20781844ab36e3c3e9199d5
const ENTERPRISE = {
  params: { sid: 'test2', appkey: 'test2-xx', timestamp: '1470042310', shop_no: 'api_test', trade_list: '[{"tid":"T1","receiver_name":"张三"}]' },
  secret: '12345',
  base: '06-appkey:0008-test2-xx;07-shop_no:0008-api_test;03-sid:0005-test2;09-timestamp:0010-1470042310;10-trade_list:0035-[{"tid":"T1","receiver_name":"张三"}]',
  chars: '6288a5a8fb75c4f317723fd61621674c',
  bytes: '2c9fe6c4c20781844ab36e3c3e9199d5',
};

// printf '%s' 'testsecretbody["test",[{"tid":"T1"}],[]]keytest2-xxmethodsales.RawTrade.pushSelfsalttestsaltsidapidevnew2timestamp261705600v1.0testsecret' | openssl dgst -md5
//   -> 39508cc4c1dd6f66fb4d4f0ebe7335c6
// python3: secret + ''.join(k+v for k in sorted(p)) + secret, with page_no/page_size/calc_total and
//   body '[{"spec_nos":["SKU-1"]}]', method wms.StockSpec.search -> 68e715c3b6c393300a559ec628f3a19d
const ULTIMATE = {
  params: { sid: 'apidevnew2', key: 'test2-xx', salt: 'testsalt', method: 'sales.RawTrade.pushSelf', timestamp: '261705600', v: '1.0', body: '["test",[{"tid":"T1"}],[]]' },
  sign: '39508cc4c1dd6f66fb4d4f0ebe7335c6',
};

describe('Wangdiantong enterprise signature', () => {
  it('builds the documented LL-key:LLLL-value string, sorted, without sign', () => {
    expect(enterpriseSignBase({ ...ENTERPRISE.params, sign: 'ignored' }, 'chars')).toBe(ENTERPRISE.base);
  });
  it('matches the vector counting characters (the vendor PHP SDK)', () => {
    expect(signEnterprise(ENTERPRISE.params, ENTERPRISE.secret, 'chars')).toBe(ENTERPRISE.chars);
  });
  it('matches the vector counting UTF-8 bytes when switched', () => {
    expect(signEnterprise(ENTERPRISE.params, ENTERPRISE.secret, 'bytes')).toBe(ENTERPRISE.bytes);
  });
  it('pads short lengths and writes a length beyond 9999 in full, as sprintf does', () => {
    expect(enterpriseSignBase({ a: 'x' }, 'chars')).toBe('01-a:0001-x');
    expect(enterpriseSignBase({ a: 'y'.repeat(10_000) }, 'chars').slice(0, 11)).toBe('01-a:10000-');
  });
  it('counts an astral character once in chars mode and four times in bytes mode', () => {
    expect(enterpriseSignBase({ a: '😀' }, 'chars')).toBe('01-a:0001-😀');
    expect(enterpriseSignBase({ a: '😀' }, 'bytes')).toBe('01-a:0004-😀');
  });
});

describe('Wangdiantong ultimate signature', () => {
  it('matches the vector', () => {
    expect(signUltimate(ULTIMATE.params, 'testsecret')).toBe(ULTIMATE.sign);
  });
  it('matches the paged vector', () => {
    const p = { ...ULTIMATE.params, method: 'wms.StockSpec.search', page_size: '100', page_no: '0', calc_total: '1', body: '[{"spec_nos":["SKU-1"]}]' };
    expect(signUltimate(p, 'testsecret')).toBe('68e715c3b6c393300a559ec628f3a19d');
  });
  it('ignores a sign parameter and changes with any value', () => {
    expect(signUltimate({ ...ULTIMATE.params, sign: 'x' }, 'testsecret')).toBe(ULTIMATE.sign);
    expect(signUltimate({ ...ULTIMATE.params, body: '[]' }, 'testsecret')).not.toBe(ULTIMATE.sign);
  });
  it('splits secret:salt at the first colon', () => {
    expect(splitUltimateSecret('testsecret:testsalt')).toEqual({ secret: 'testsecret', salt: 'testsalt' });
    expect(splitUltimateSecret('a:b:c')).toEqual({ secret: 'a', salt: 'b:c' });
  });
  it('counts seconds from 2012-01-01 00:00:00 GMT+8', () => {
    expect(ULTIMATE_EPOCH_S).toBe(Date.UTC(2011, 11, 31, 16, 0, 0) / 1000);
    expect(ultimateTimestamp(new Date('2012-01-01T00:01:40+08:00'))).toBe(100);
  });
});
