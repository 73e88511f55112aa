import { describe, expect, it } from 'vitest';
import { gmt8Date, kingdeeDecimal } from './format.js';

describe('Kingdee decimals', () => {
  it.each([
    [0, 'CNY', '0.00'],
    [1, 'CNY', '0.01'],
    [29_900, 'CNY', '299.00'],
    [-250, 'CNY', '-2.50'],
    [Number.MAX_SAFE_INTEGER, 'CNY', '90071992547409.91'],
    [1500, 'JPY', '1500'],
    [1, 'KWD', '0.001'],
  ])('%i %s -> %s', (minor, currency, expected) => {
    expect(kingdeeDecimal({ minor, currency })).toBe(expected);
  });
  it('refuses non-integers', () => {
    expect(() => kingdeeDecimal({ minor: 0.5, currency: 'CNY' })).toThrow(RangeError);
  });
});

describe('GMT+8 booking date', () => {
  it('an order paid at 23:30 UTC is booked on the next Beijing day', () => {
    expect(gmt8Date('2024-05-01T16:30:00Z')).toBe('2024-05-02');
    expect(gmt8Date('2024-05-01T15:59:59Z')).toBe('2024-05-01');
  });
});
