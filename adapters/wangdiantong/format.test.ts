import { describe, expect, it } from 'vitest';
import { gmt8DateTime, minorToDecimal, parseQuantity, wdtDecimal } from './format.js';

describe('money to WDT Decimal(19,4)', () => {
  it.each([
    [0, '0.0000'],
    [1, '0.0100'],
    [9, '0.0900'],
    [10, '0.1000'],
    [100, '1.0000'],
    [32358, '323.5800'],
    [-1, '-0.0100'],
    [-32358, '-323.5800'],
    // 2^53 - 1 fen: exact, where a float division by 100 would round
    [Number.MAX_SAFE_INTEGER, '90071992547409.9100'],
  ])('%i fen -> %s', (minor, expected) => {
    expect(wdtDecimal({ minor, currency: 'CNY' })).toBe(expected);
  });

  it('a float-hostile amount stays exact (0.1 + 0.2 class)', () => {
    expect(wdtDecimal({ minor: 30, currency: 'CNY' })).toBe('0.3000');
    expect(wdtDecimal({ minor: 1_999_999_999_99, currency: 'CNY' })).toBe('1999999999.9900');
  });

  it('respects zero- and three-decimal currencies', () => {
    expect(wdtDecimal({ minor: 1500, currency: 'JPY' })).toBe('1500.0000');
    expect(wdtDecimal({ minor: 1, currency: 'KWD' })).toBe('0.0010');
  });

  it('refuses unsafe integers and too few places', () => {
    expect(() => minorToDecimal(2 ** 53, 2, 4)).toThrow(RangeError);
    expect(() => minorToDecimal(1.5, 2, 4)).toThrow(RangeError);
    expect(() => minorToDecimal(1, 3, 2)).toThrow(RangeError);
    expect(minorToDecimal(123, 2, 2)).toBe('1.23');
    expect(minorToDecimal(123, 0, 0)).toBe('123');
  });
});

describe('GMT+8 wall clock', () => {
  it('converts offsets and crosses the date line correctly', () => {
    expect(gmt8DateTime('2024-05-01T16:30:05Z')).toBe('2024-05-02 00:30:05');
    expect(gmt8DateTime('2024-05-01T08:00:00+08:00')).toBe('2024-05-01 08:00:00');
    expect(gmt8DateTime('2024-12-31T23:59:59-05:00')).toBe('2025-01-01 12:59:59');
  });
  it('refuses garbage', () => {
    expect(() => gmt8DateTime('yesterday')).toThrow(RangeError);
  });
});

describe('quantities read back', () => {
  it('accepts numbers and decimal strings', () => {
    expect(parseQuantity('12.0000')).toBe(12);
    expect(parseQuantity(3)).toBe(3);
    expect(() => parseQuantity('n/a')).toThrow(RangeError);
  });
});
