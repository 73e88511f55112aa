import { describe, expect, it } from 'vitest';
import { TrackingResult, gmt8ToIso, sortEvents } from './tracking.js';

describe('gmt8ToIso', () => {
  it('pads and adds the +08:00 offset', () => {
    expect(gmt8ToIso('2024-6-1 9:05:00')).toBe('2024-06-01T09:05:00+08:00');
    expect(gmt8ToIso('2024-12-31 23:59:59')).toBe('2024-12-31T23:59:59+08:00');
    expect(gmt8ToIso('2024-12-31 23:59')).toBe('2024-12-31T23:59:00+08:00');
  });
  it('keeps the instant: 00:30 in Beijing is 16:30 UTC the day before', () => {
    expect(new Date(gmt8ToIso('2024-03-01 00:30:00') ?? '').toISOString()).toBe('2024-02-29T16:30:00.000Z');
  });
  it('refuses impossible dates and other formats', () => {
    expect(gmt8ToIso('2023-02-29 10:00:00')).toBeNull();
    expect(gmt8ToIso('2024-13-01 10:00:00')).toBeNull();
    expect(gmt8ToIso('2024-01-01 24:00:00')).toBeNull();
    expect(gmt8ToIso('1700000000')).toBeNull();
  });
});

describe('TrackingResult', () => {
  it('accepts the canonical shape and refuses an unknown state', () => {
    const ok = { carrier: 'sf-express', trackingNo: 'SF1', state: 'in_transit', carrierState: '30', events: [] };
    expect(TrackingResult.safeParse(ok).success).toBe(true);
    expect(TrackingResult.safeParse({ ...ok, state: 'lost' }).success).toBe(false);
  });
  it('sorts events oldest first, stable for equal instants', () => {
    const ev = (at: string, code: string) => ({ at, code, location: null, description: code });
    const sorted = sortEvents([ev('2024-01-02T10:00:00+08:00', 'b'), ev('2024-01-02T02:00:00Z', 'c'), ev('2024-01-01T10:00:00+08:00', 'a'), ev('2024-01-02T10:00:00+08:00', 'b2')]);
    expect(sorted.map((e) => e.code)).toEqual(['a', 'b', 'c', 'b2']);
  });
});
