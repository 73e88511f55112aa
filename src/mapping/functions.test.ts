import { describe, expect, it } from 'vitest';
import { parseJsonSafe } from '../util/json.js';
import { allocate, epochToIso, get, gmt8ToIso, idString, isCiphertext, minorMoney, normalizeRegion, parseJson, PARSE_JSON_LIMITS, pii, piiOf, splitDiscount, stripRegionPrefix, tally, toMinor } from './functions.js';

describe('toMinor', () => {
  it('parses decimal strings digit by digit, never through floats', () => {
    expect(toMinor('323.58')).toBe(32358);
    expect(toMinor('0.1')).toBe(10);
    expect(toMinor('19.9')).toBe(1990);
    expect(toMinor('1,299.00')).toBe(129900);
    expect(toMinor(' 12 ')).toBe(1200);
    expect(toMinor('12.500')).toBe(1250);
  });
  it('accepts JSON numbers as platforms send them (PDD 29.9)', () => {
    expect(toMinor(29.9)).toBe(2990);
    expect(toMinor(0)).toBe(0);
  });
  it('respects the currency exponent', () => {
    expect(toMinor('1200', 'JPY')).toBe(1200);
    expect(toMinor('1.234', 'KWD')).toBe(1234);
    expect(() => toMinor('12.5', 'JPY')).toThrow(/more decimals than JPY/);
  });
  it('keeps signs and never returns negative zero', () => {
    expect(toMinor('-5.01')).toBe(-501);
    expect(Object.is(toMinor('-0.00'), 0)).toBe(true);
  });
  it('treats absent values as absent', () => {
    expect(toMinor(undefined)).toBeUndefined();
    expect(toMinor(null)).toBeUndefined();
    expect(toMinor('')).toBeUndefined();
  });
  it('refuses what it cannot represent exactly', () => {
    expect(() => toMinor('12.345')).toThrow(/more decimals than CNY/);
    expect(() => toMinor(0.1 + 0.2)).toThrow(/more decimals/);
    expect(() => toMinor('abc')).toThrow(/not a decimal amount/);
    expect(() => toMinor('1e3')).toThrow(/not a decimal amount/);
    expect(() => toMinor(Number.NaN)).toThrow(/finite/);
    expect(() => toMinor('99999999999999999')).toThrow(/out of range/);
    expect(() => toMinor({})).toThrow(/decimal string or number/);
  });
});

describe('minorMoney', () => {
  it('wraps integer minor units', () => {
    expect(minorMoney(24660)).toEqual({ minor: 24660, currency: 'CNY' });
    expect(minorMoney('800', 'CNY')).toEqual({ minor: 800, currency: 'CNY' });
  });
  it('refuses text that Number() would quietly accept', () => {
    expect(() => minorMoney(' ')).toThrow(/integer amount/);
    expect(() => minorMoney('0x10')).toThrow(/integer amount/);
    expect(() => minorMoney(12.5)).toThrow(/integer amount/);
  });
});

describe('gmt8ToIso', () => {
  it('attaches the +08:00 offset the platforms mean', () => {
    expect(gmt8ToIso('2026-11-11 00:00:05')).toBe('2026-11-11T00:00:05+08:00');
    expect(gmt8ToIso('2028-02-29 08:00:00')).toBe('2028-02-29T08:00:00+08:00');
    expect(gmt8ToIso('')).toBeUndefined();
  });
  it('refuses dates that do not exist instead of rolling them over', () => {
    expect(() => gmt8ToIso('2026-02-29 08:00:00')).toThrow(/not a real date/);
    expect(() => gmt8ToIso('2026-02-30 00:00:00')).toThrow(/not a real date/);
    expect(() => gmt8ToIso('2026-01-01 24:00:00')).toThrow(/not a real date/);
    expect(() => gmt8ToIso('2026/01/01 00:00:00')).toThrow(/expected "yyyy-MM-dd HH:mm:ss"/);
    expect(() => gmt8ToIso(1794326405)).toThrow(/expected/);
  });
});

describe('epochToIso', () => {
  it('renders epoch seconds in GMT+8', () => {
    expect(epochToIso(1794326405)).toBe('2026-11-11T00:00:05+08:00');
    expect(epochToIso('1794326405')).toBe('2026-11-11T00:00:05+08:00');
    // 1970-01-01T00:00:01Z is 08:00:01 in Beijing.
    expect(epochToIso(1)).toBe('1970-01-01T08:00:01+08:00');
  });
  it('reads 0 as "not yet" (Douyin pay_time of an unpaid order)', () => {
    expect(epochToIso(0)).toBeUndefined();
    expect(epochToIso('0')).toBeUndefined();
  });
  it('refuses milliseconds and junk', () => {
    expect(() => epochToIso(1794326405000)).toThrow(/milliseconds/);
    expect(() => epochToIso(-1)).toThrow(/epoch seconds/);
    expect(() => epochToIso('12a')).toThrow(/epoch seconds/);
    expect(() => epochToIso(1.5)).toThrow(/epoch seconds/);
  });
});

describe('normalizeRegion', () => {
  it('spells every municipality variant as 北京市 / 北京市', () => {
    const want = { province: '北京市', city: '北京市', district: '朝阳区' };
    expect(normalizeRegion('北京', '北京市', '朝阳区')).toEqual(want);
    expect(normalizeRegion('北京市', '市辖区', '朝阳区')).toEqual(want);
    expect(normalizeRegion('北京', null, '朝阳区')).toEqual(want);
    expect(normalizeRegion('北京市', '北京', '朝阳区')).toEqual(want);
    expect(normalizeRegion('重庆', '县', '城口县')).toEqual({ province: '重庆市', city: '重庆市', district: '城口县' });
  });
  it('leaves the city empty for county-level units under a province (济源, 仙桃)', () => {
    expect(normalizeRegion('河南省', '', '济源市')).toEqual({ province: '河南省', city: null, district: '济源市' });
    expect(normalizeRegion('河南省', '省直辖县级行政区划', '济源市')).toEqual({ province: '河南省', city: null, district: '济源市' });
    expect(normalizeRegion('湖北', '', '仙桃市')).toEqual({ province: '湖北省', city: null, district: '仙桃市' });
  });
  it('spells short province names in full', () => {
    expect(normalizeRegion('广东', '深圳市', '南山区').province).toBe('广东省');
    expect(normalizeRegion('广西', '南宁市', '青秀区').province).toBe('广西壮族自治区');
    expect(normalizeRegion('内蒙古自治区', '呼和浩特市', '新城区').province).toBe('内蒙古自治区');
  });
  it('drops placeholders', () => {
    expect(normalizeRegion(' 浙江省 ', '无', 'null')).toEqual({ province: '浙江省', city: null, district: null });
  });
});

describe('stripRegionPrefix', () => {
  it('removes repeated region names, longest first', () => {
    expect(stripRegionPrefix('浙江省杭州市西湖区文新街道文一西路1**号', '浙江省', '杭州市', '西湖区', '文新街道')).toBe('文一西路1**号');
    expect(stripRegionPrefix('北京 北京市 朝阳区 建外街道 建国路8*号院', '北京', '北京市', '朝阳区', '建外街道', '北京市')).toBe('建国路8*号院');
    // With only "北京" matched first, "北京市..." would have left "市朝阳区...".
    expect(stripRegionPrefix('北京市朝阳区建国路1号', '北京', '朝阳区', '北京市')).toBe('建国路1号');
  });
  it('leaves a detail without a prefix alone and maps empty to null', () => {
    expect(stripRegionPrefix('文一西路1号', '浙江省', null, undefined)).toBe('文一西路1号');
    expect(stripRegionPrefix('浙江省', '浙江省')).toBeNull();
    expect(stripRegionPrefix('', '浙江省')).toBeNull();
  });
});

describe('pii / piiOf / isCiphertext', () => {
  it('recognises the platforms ciphertext shapes', () => {
    expect(isCiphertext('~AgAAAAbc123~0~')).toBe(true);
    expect(isCiphertext('$Qn/ZHaMby1MzBq3Rw2t7fw==$1$')).toBe(true);
    expect(isCiphertext('##AbCdEfName01==#1##')).toBe(true);
    expect(isCiphertext('$$AbCdEfTel01==$1$$')).toBe(true);
    expect(isCiphertext('138****0000')).toBe(false);
    expect(isCiphertext(42)).toBe(false);
  });
  it('keeps ciphertext and mask side by side, dropping empties', () => {
    expect(pii('~AgAAAAbc123~0~', '张*')).toEqual({ ciphertext: '~AgAAAAbc123~0~', masked: '张*' });
    expect(pii('', '张*')).toEqual({ masked: '张*' });
    expect(pii(null, null)).toBeNull();
  });
  it('classifies an unlabelled value by its shape', () => {
    expect(piiOf('张*')).toEqual({ masked: '张*' });
    expect(piiOf('~AgAAAAbc123~0~')).toEqual({ ciphertext: '~AgAAAAbc123~0~' });
    expect(piiOf('Steve Shipper')).toEqual({ plaintext: 'Steve Shipper' });
    expect(piiOf('')).toBeNull();
  });
});

describe('splitDiscount', () => {
  it('keeps every figure the platform gives and spreads only the rest over the other lines', () => {
    // Discount 25.00; line 0 says 20.00 of it is its own: line 1 and 2 share 5.00 by total (50:30).
    expect(splitDiscount(2500, [10000, 5000, 3000], [2000, null, null])).toEqual([2000, 313, 187]);
    expect(splitDiscount(2500, [10000, 5000], [null, null])).toEqual(allocate(2500, [10000, 5000]));
    expect(splitDiscount(0, [10000, 5000], [0, null])).toEqual([0, 0]);
    expect(splitDiscount(300, 1000, null)).toEqual([300]);
  });
  it('returns the platform figures untouched when every line has one, even when they disagree with the order', () => {
    expect(splitDiscount(2500, [10000, 5000], [2000, 0])).toEqual([2000, 0]);
  });
  it('refuses a remainder below zero and malformed input', () => {
    expect(() => splitDiscount(1000, [10000, 5000], [2000, null])).toThrow(/take 2000 of an order discount of 1000, leaving -1000/);
    expect(() => splitDiscount(1000, [10000, 5000], [null])).toThrow(/2 line totals but 1 given/);
    expect(() => splitDiscount(1000, [10000], ['10'])).toThrow(/integers or null/);
    expect(() => splitDiscount(10.5, [10000], [null])).toThrow(/discount must be an integer/);
  });
});

describe('allocate', () => {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  it('splits by largest remainder and always sums exactly', () => {
    expect(allocate(1000, [8900, 9100])).toEqual([494, 506]);
    expect(allocate(2000, [15900, 5970, 3990])).toEqual([1230, 462, 308]);
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    for (const [total, ws] of [
      [12345, Array.from({ length: 200 }, (_v, i) => (i % 7) * 199 + i + 1)],
      [1, [3, 3, 3]],
      [Number.MAX_SAFE_INTEGER, [Number.MAX_SAFE_INTEGER, 1, 7]],
    ] as const) {
      expect(sum(allocate(total, [...ws]))).toBe(total);
    }
  });
  it('handles negative totals, zero weights and a bare weight', () => {
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(300, [3000, 0])).toEqual([300, 0]);
    expect(allocate(5, [0, 0])).toEqual([5, 0]);
    expect(allocate(7, 10)).toEqual([7]);
    expect(allocate(0, [])).toEqual([]);
  });
  it('refuses what it cannot split exactly', () => {
    expect(() => allocate(1.5, [1])).toThrow(/total must be an integer/);
    expect(() => allocate(10, [1.5, 2])).toThrow(/non-negative integers/);
    expect(() => allocate(10, [-1, 2])).toThrow(/non-negative integers/);
    expect(() => allocate(10, [])).toThrow(/no weights/);
  });
});

describe('idString', () => {
  it('stringifies safe integers and passes strings through', () => {
    expect(idString(300123456789)).toBe('300123456789');
    expect(idString('4012345678901234567')).toBe('4012345678901234567');
    expect(idString('')).toBeUndefined();
  });
  it('refuses a number that was already rounded past 2^53', () => {
    expect(() => idString(4012345678901234567)).toThrow(/beyond 2\^53/);
    expect(() => idString(2 ** 53)).toThrow(/beyond 2\^53/);
  });
  it('gets the exact id when the payload was read with parseJsonSafe', () => {
    const parsed = parseJsonSafe('{"tid": 4012345678901234567}');
    const tid = typeof parsed === 'object' && parsed !== null && 'tid' in parsed ? parsed.tid : undefined;
    expect(idString(tid)).toBe('4012345678901234567');
  });
});

describe('get', () => {
  const qty = { '4242': 2, '17': 0 };
  it('reads a key of an object built once (a grouping), by string or safe integer key', () => {
    expect(get(qty, '4242')).toBe(2);
    expect(get(qty, 4242)).toBe(2);
    expect(get(qty, '17', 9)).toBe(0);
  });
  it('gives the fallback (else undefined) for an absent key, an absent key value or an absent object', () => {
    expect(get(qty, '1')).toBeUndefined();
    expect(get(qty, '1', 0)).toBe(0);
    expect(get(qty, undefined, 0)).toBe(0);
    expect(get(undefined, '4242', 0)).toBe(0);
    expect(get(null, '4242')).toBeUndefined();
  });
  it('reads own keys only', () => {
    expect(get({}, 'toString', 'none')).toBe('none');
    expect(get({}, 'constructor')).toBeUndefined();
  });
  it('refuses what is not an object, and keys that cannot be compared exactly', () => {
    expect(() => get([1, 2], 0)).toThrow(/\$get: expected an object, got an array/);
    expect(() => get('abc', 0)).toThrow(/\$get: expected an object, got string/);
    expect(() => get(qty, 2 ** 53 + 2)).toThrow(/\$get: key must be a string or a safe integer/);
    expect(() => get(qty, 1.5)).toThrow(/safe integer/);
    expect(() => get(qty, { a: 1 })).toThrow(/got object/);
  });
});

describe('tally', () => {
  it('counts keys, or sums amounts per key, in one pass', () => {
    expect(tally(['A', 'B', 'A'])).toEqual({ A: 2, B: 1 });
    expect(tally(['7', 7, '8'], [1, 2, 5])).toEqual({ '7': 3, '8': 5 });
    expect(tally([4242], [-1])).toEqual({ '4242': -1 });
  });
  it('accepts what JSONata collapses: a bare key (and amount), and no keys at all', () => {
    expect(tally('A')).toEqual({ A: 1 });
    expect(tally('A', 3)).toEqual({ A: 3 });
    expect(tally(undefined)).toEqual({});
    expect(tally(undefined, undefined)).toEqual({});
  });
  it('is safe for any key, and reads back with get', () => {
    const t = tally(['__proto__', 'constructor', '__proto__']);
    expect(get(t, '__proto__')).toBe(2);
    expect(get(t, 'constructor')).toBe(1);
    expect(get(t, 'toString')).toBeUndefined();
  });
  it('refuses a wrong pairing, unusable keys and non-integer amounts', () => {
    expect(() => tally(['A', 'B'], [1])).toThrow(/\$tally: 2 keys but 1 amounts/);
    expect(() => tally([1.5])).toThrow(/\$tally: keys must be strings or safe integers, got 1.5/);
    expect(() => tally([null])).toThrow(/keys must be/);
    expect(() => tally(['A'], ['1'])).toThrow(/\$tally: amounts must be integers, got "1"/);
    expect(() => tally(['A', 'A'], [2 ** 53 - 1, 1])).toThrow(/beyond 2\^53/);
  });
});

describe('parseJson', () => {
  it('parses JSON text, keeping integers beyond 2^53 exact as strings (like the intake reader)', () => {
    const text = '[{"oid": 3961832129218290891, "qty": 2, "price": "1.50", "spec": {"k": "色", "v": "红"}}]';
    expect(parseJson(text)).toEqual(parseJsonSafe(text));
    expect(parseJson(text)).toEqual([{ oid: '3961832129218290891', qty: 2, price: '1.50', spec: { k: '色', v: '红' } }]);
  });
  it('gives absent for absent input, and passes through what is already parsed', () => {
    expect(parseJson(undefined)).toBeUndefined();
    expect(parseJson(null)).toBeUndefined();
    expect(parseJson('')).toBeUndefined();
    expect(parseJson([{ a: 1 }])).toEqual([{ a: 1 }]);
  });
  it('refuses JSONata code: data is parsed, never evaluated', () => {
    const probe = '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)';
    expect(() => parseJson(probe, 'lines_json')).toThrow(/^\$parseJson: lines_json: not valid JSON text/);
  });
  it('does not echo the text it refuses (it may hold buyer data)', () => {
    let message = '';
    try {
      parseJson('{"phone": 13800138000, oops}', 'lines_json');
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    expect(message).toMatch(/lines_json: not valid JSON text/);
    expect(message).not.toContain('13800138000');
    expect(message).not.toContain('oops');
  });
  it('caps size and nesting depth before parsing', () => {
    expect(() => parseJson(`"${'x'.repeat(PARSE_JSON_LIMITS.maxChars)}"`, 'blob')).toThrow(/blob: longer than the 1048576-character limit/);
    const deep = `${'['.repeat(PARSE_JSON_LIMITS.maxDepth + 1)}${']'.repeat(PARSE_JSON_LIMITS.maxDepth + 1)}`;
    expect(() => parseJson(deep)).toThrow(/nested deeper than 64 levels/);
    const ok = `${'['.repeat(PARSE_JSON_LIMITS.maxDepth)}${']'.repeat(PARSE_JSON_LIMITS.maxDepth)}`;
    expect(() => parseJson(ok)).not.toThrow();
    // Brackets inside strings are text, not nesting.
    expect(parseJson(`["${'['.repeat(200)}"]`)).toEqual(['['.repeat(200)]);
  });
  it('refuses a non-string, non-JSON value', () => {
    expect(() => parseJson(12, 'lines_json')).toThrow(/lines_json: expected JSON text, got number/);
  });
});

describe('stripRegionPrefix on hostile parts', () => {
  // A legacy-ERP row whose city was an array (found by the seeded hostile-input suite) hung the
  // evaluation: String([]) is '', which every text starts with, so the loop never ended.
  it('ignores parts that are not text or numbers instead of looping on an empty prefix', () => {
    expect(stripRegionPrefix('朝阳区建国路1号', [[]], {}, [null, []], '朝阳区')).toBe('建国路1号');
    expect(normalizeRegion([], {}, '朝阳区')).toEqual({ province: null, city: null, district: '朝阳区' });
  });
});
