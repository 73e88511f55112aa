import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonSafe, quoteUnsafeIntegers, valueNestingExceeds } from './json.js';

describe('parseJsonSafe', () => {
  it('keeps Taobao-sized ids exact as strings', () => {
    const v = parseJsonSafe('{"tid": 3961832129218290891, "num": 2, "price": "323.58"}');
    expect(v).toEqual({ tid: '3961832129218290891', num: 2, price: '323.58' });
  });
  it('leaves safe integers, decimals and numbers inside strings alone', () => {
    const text = '{"a": 9007199254740991, "b": 1.5e300, "c": "12345678901234567890", "d": [-12345678901234567890]}';
    expect(parseJsonSafe(text)).toEqual({ a: 9007199254740991, b: 1.5e300, c: '12345678901234567890', d: ['-12345678901234567890'] });
  });
  it('handles escaped quotes inside strings', () => {
    expect(quoteUnsafeIntegers('{"s":"a\\"12345678901234567890","n":12345678901234567890}')).toBe(
      '{"s":"a\\"12345678901234567890","n":"12345678901234567890"}',
    );
  });
  it('still rejects invalid JSON', () => {
    expect(() => parseJsonSafe('{"a":')).toThrow();
  });
});

describe('parseJsonSafe on hostile nesting', () => {
  it('refuses text nested deeper than the limit before parsing it (a 10^5-deep body blocked the loop for 60-180 ms in JSON.parse)', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => parseJsonSafe(deep)).toThrow(new RegExp(`nests deeper than ${MAX_JSON_DEPTH} levels`));
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(parseJsonSafe(ok)).toBeInstanceOf(Array);
  });

  it('measures a parsed value the same way, iteratively', () => {
    let v: unknown = 1;
    for (let i = 0; i < 50_000; i++) v = { a: v };
    expect(valueNestingExceeds(v, 200)).toBe(true);
    expect(valueNestingExceeds({ a: [{ b: [1] }] }, 4)).toBe(false);
    expect(valueNestingExceeds({ a: [{ b: [1] }] }, 3)).toBe(true);
  });
});
