import { describe, expect, it } from 'vitest';
import { parseJsonSafe, quoteUnsafeIntegers } from './json.js';

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
