import { describe, expect, it } from 'vitest';
import { summarize } from '../src/util/stats.js';
import { promCounterSum, ratio, SCALE_SIDE, scaleRatios, scaleReading, type ScaleSide, type ScaleSideName } from './scale-report.js';

function side(name: ScaleSideName, rate: number, paidToWms: number[]): ScaleSide {
  return { side: name, orders: paidToWms.length, ms: 1000, rate, perRound: [rate], answer: summarize([1]), paidToWms: summarize(paidToWms), pushesPerWorker: [paidToWms.length] };
}

describe('ratio', () => {
  it('divides', () => {
    expect(ratio(3, 2)).toBe(1.5);
  });
  it('is NaN when the denominator is zero or negative, or either side is not a number', () => {
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(1, -1)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
    expect(ratio(2, Number.POSITIVE_INFINITY)).toBeNaN();
  });
});

describe('scaleRatios', () => {
  const dev = side(SCALE_SIDE.DEV, 10, [100, 200, 300]);
  const one = side(SCALE_SIDE.CLUSTER_1, 5, [200, 400, 600]);
  const two = side(SCALE_SIDE.CLUSTER_2, 6, [100, 200, 900]);

  it('puts 2 workers over 1 and the cluster over the dev server, for rate, p50 and p99', () => {
    const r = scaleRatios([dev, one, two]);
    expect(r.map((x) => x.label)).toEqual(['cluster 2 workers / 1 worker', 'cluster / dev server (1 worker each)']);
    expect(r[0]).toMatchObject({ rate: 1.2, p50: 0.5, p99: 1.5 });
    expect(r[1]).toMatchObject({ rate: 0.5, p50: 2, p99: 2 });
  });
  it('leaves out a pair whose side did not run, whatever the order of the sides', () => {
    expect(scaleRatios([two, one]).map((x) => x.label)).toEqual(['cluster 2 workers / 1 worker']);
    expect(scaleRatios([one, dev]).map((x) => x.label)).toEqual(['cluster / dev server (1 worker each)']);
    expect(scaleRatios([dev])).toEqual([]);
  });
});

describe('scaleReading', () => {
  const ratios = (rate: number) => [{ label: 'cluster 2 workers / 1 worker', rate, p50: 1, p99: 1 }];
  it('says on 2 cores that a second worker cannot add CPU', () => {
    const text = scaleReading(2, ratios(1)).join(' ');
    expect(text).toContain('2 cores');
    expect(text).toContain('cannot add CPU');
  });
  it('does not claim that on a machine with more cores', () => {
    expect(scaleReading(8, ratios(1)).join(' ')).not.toContain('cannot add CPU');
  });
  it('states the measured 2/1 rate in words that follow the figure', () => {
    expect(scaleReading(2, ratios(1.3)).at(-1)).toBe('In this run 2 workers completed more orders per second than 1 (1.300x).');
    expect(scaleReading(2, ratios(0.8)).at(-1)).toContain('fewer');
    expect(scaleReading(2, ratios(1.01)).at(-1)).toBe('In this run 2 workers completed about as many orders per second as 1 (1.010x).');
  });
  it('says nothing about the 2/1 rate when it could not be computed', () => {
    expect(scaleReading(2, ratios(Number.NaN)).join(' ')).not.toContain('In this run');
    expect(scaleReading(2, []).join(' ')).not.toContain('In this run');
  });
});

describe('promCounterSum', () => {
  const text = [
    '# HELP zhongshu_breaker_calls_total Guarded external calls by outcome',
    '# TYPE zhongshu_breaker_calls_total counter',
    'zhongshu_breaker_calls_total{connector="wdt",capability="wms.order.push",outcome="success"} 41',
    'zhongshu_breaker_calls_total{connector="wdt",capability="wms.order.push",outcome="failure"} 2',
    'zhongshu_breaker_calls_total{connector="sf",capability="waybill.create",outcome="success"} 43',
    'zhongshu_breaker_calls_total_other{connector="wdt",capability="wms.order.push",outcome="success"} 1000',
    'zhongshu_workflows_started_total 7',
  ].join('\n');

  it('sums the series whose labels include every given pair', () => {
    expect(promCounterSum(text, 'zhongshu_breaker_calls_total', { connector: 'wdt', capability: 'wms.order.push', outcome: 'success' })).toBe(41);
    expect(promCounterSum(text, 'zhongshu_breaker_calls_total', { connector: 'wdt' })).toBe(43);
    expect(promCounterSum(text, 'zhongshu_breaker_calls_total', {})).toBe(86);
  });
  it('reads a series without labels', () => {
    expect(promCounterSum(text, 'zhongshu_workflows_started_total', {})).toBe(7);
  });
  it('is 0 for a metric or label value not present', () => {
    expect(promCounterSum(text, 'zhongshu_breaker_calls_total', { connector: 'kdniao' })).toBe(0);
    expect(promCounterSum('', 'zhongshu_breaker_calls_total', {})).toBe(0);
  });
});
