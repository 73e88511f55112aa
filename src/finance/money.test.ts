import { describe, expect, it } from 'vitest';
import { applyBasisPoints, formatMinor, parseMinor } from './money.js';

describe('formatMinor', () => {
  it('prints minor units as major units without floats, by the currency exponent', () => {
    expect(formatMinor(32358n, 'CNY')).toBe('323.58');
    expect(formatMinor(5n, 'CNY')).toBe('0.05');
    expect(formatMinor(-5n, 'CNY')).toBe('-0.05');
    expect(formatMinor(0n, 'USD')).toBe('0.00');
    expect(formatMinor(-123400n, 'CNY')).toBe('-1234.00');
    expect(formatMinor(1200n, 'JPY')).toBe('1200');
    expect(formatMinor(1234n, 'KWD')).toBe('1.234');
  });

  it('stays exact past 2^53 (a float would print 90071992547409.92)', () => {
    expect(formatMinor(9_007_199_254_740_993n, 'CNY')).toBe('90071992547409.93');
  });
});

describe('applyBasisPoints', () => {
  it('rounds half away from zero to a whole fen', () => {
    expect(applyBasisPoints(17000n, 500)).toBe(850n); // 5 % of 170.00
    expect(applyBasisPoints(10n, 500)).toBe(1n); // 0.5 fen rounds up
    expect(applyBasisPoints(9n, 500)).toBe(0n); // 0.45 fen rounds down
    expect(applyBasisPoints(-10n, 500)).toBe(-1n);
    expect(applyBasisPoints(12345n, 60)).toBe(74n); // 0.6 % = 74.07
  });

  it('refuses a rate that is not whole non-negative basis points', () => {
    expect(() => applyBasisPoints(100n, 1.5)).toThrow(/basis points/);
    expect(() => applyBasisPoints(100n, -1)).toThrow(/basis points/);
  });
});

describe('parseMinor', () => {
  it('reads back what formatMinor printed, exactly', () => {
    for (const [v, c] of [[32358n, 'CNY'], [-5n, 'CNY'], [0n, 'USD'], [1200n, 'JPY'], [1234n, 'KWD'], [9_007_199_254_740_993n, 'CNY']] as const) expect(parseMinor(formatMinor(v, c), c)).toBe(v);
    expect(parseMinor('12.5', 'CNY')).toBe(1250n);
  });

  it('refuses text that is not an amount of the currency, naming it', () => {
    expect(() => parseMinor('1.234', 'CNY')).toThrow(/at most 2 decimal place\(s\) for CNY, got "1.234"/);
    expect(() => parseMinor('12.00', 'JPY')).toThrow(/JPY/);
    expect(() => parseMinor('', 'CNY')).toThrow(/amount/);
    expect(() => parseMinor('1e3', 'CNY')).toThrow(/amount/);
  });
});
