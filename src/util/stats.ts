/**
 * Small, dependency-free statistics for the benchmark harness (bench/) and anything else that
 * reports latencies. Percentiles use the nearest-rank method so every reported value is one that
 * was actually observed, which is what an operator reading "p99 = 12 ms" expects.
 */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of already ascending-sorted values; NaN for no values. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  const i = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[i] ?? Number.NaN;
}

/** Nearest-rank percentile of unsorted values (sorts a copy). */
export function percentile(values: readonly number[], p: number): number {
  return percentileSorted([...values].sort((a, b) => a - b), p);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n,
    min: n ? (sorted[0] ?? Number.NaN) : Number.NaN,
    p50: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
    max: n ? (sorted[n - 1] ?? Number.NaN) : Number.NaN,
    mean: n ? sum / n : Number.NaN,
  };
}

/** Largest difference between consecutive timestamps (e.g. event-loop probe ticks); 0 for fewer than two. */
export function maxGap(timestamps: readonly number[]): number {
  let gap = 0;
  for (let i = 1; i < timestamps.length; i++) {
    const prev = timestamps[i - 1];
    const cur = timestamps[i];
    if (prev !== undefined && cur !== undefined && cur - prev > gap) gap = cur - prev;
  }
  return gap;
}

/** items per second for `count` items done in `ms` milliseconds; 0 when nothing was timed. */
export function ratePerSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : 0;
}
