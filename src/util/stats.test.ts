import { describe, expect, it } from 'vitest';
import { maxGap, percentile, percentileSorted, ratePerSecond, summarize } from './stats.js';

describe('percentile (nearest rank)', () => {
  it('returns observed values', () => {
    const v = [5, 1, 4, 2, 3];
    expect(percentile(v, 50)).toBe(3);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile(v, 100)).toBe(5);
    expect(percentile(v, 99)).toBe(5);
  });
  it('picks the 99th of 100 values for p99, not the maximum', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileSorted(v, 99)).toBe(99);
    expect(percentileSorted(v, 50)).toBe(50);
  });
  it('is NaN for no values and rejects out-of-range p', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
  it('does not reorder its input', () => {
    const v = [3, 1, 2];
    percentile(v, 50);
    expect(v).toEqual([3, 1, 2]);
  });
});

describe('summarize, maxGap, ratePerSecond', () => {
  it('summarizes', () => {
    expect(summarize([2, 4, 6, 8])).toEqual({ n: 4, min: 2, p50: 4, p99: 8, max: 8, mean: 5 });
    expect(summarize([]).n).toBe(0);
  });
  it('finds the longest gap between ticks', () => {
    expect(maxGap([0, 1, 2, 30, 31])).toBe(28);
    expect(maxGap([7])).toBe(0);
  });
  it('computes a rate', () => {
    expect(ratePerSecond(50, 500)).toBe(100);
    expect(ratePerSecond(5, 0)).toBe(0);
  });
});
