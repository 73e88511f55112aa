import { describe, expect, it } from 'vitest';
import { advanceCursor, lastPage, PAGING, planWindows, PLATFORM_POLLING, previousPage, type PollingPolicy, type TimeWindow } from './polling.js';

const MIN = 60_000;
const t = (iso: string) => new Date(iso);
const iso = (w: TimeWindow) => [w.start.toISOString(), w.end.toISOString()];
const base: PollingPolicy = { maxWindowMs: 30 * MIN, minLagMs: 0, overlapMs: 2 * MIN, granularityMs: 1000, paging: PAGING.LAST_PAGE_FIRST };

describe('planWindows', () => {
  it('re-reads the overlap before the cursor and stops at now', () => {
    const p = planWindows({ cursor: t('2024-05-01T10:00:00Z'), now: t('2024-05-01T10:15:00Z'), policy: base });
    expect(p.windows.map(iso)).toEqual([['2024-05-01T09:58:00.000Z', '2024-05-01T10:15:00.000Z']]);
    expect(p.lost).toBeNull();
    expect(p.more).toBe(false);
  });

  it('a window is exactly the maximum at the boundary, and one ms more makes two', () => {
    const exact = planWindows({ cursor: t('2024-05-01T10:02:00Z'), now: t('2024-05-01T10:30:00Z'), policy: base });
    expect(exact.windows.map(iso)).toEqual([['2024-05-01T10:00:00.000Z', '2024-05-01T10:30:00.000Z']]);
    const over = planWindows({ cursor: t('2024-05-01T10:02:00Z'), now: t('2024-05-01T10:30:01Z'), policy: base });
    expect(over.windows.map(iso)).toEqual([
      ['2024-05-01T10:00:00.000Z', '2024-05-01T10:30:00.000Z'],
      ['2024-05-01T10:30:00.000Z', '2024-05-01T10:30:01.000Z'],
    ]);
  });

  it('catches up after a long outage in consecutive max-size windows with no gap', () => {
    const p = planWindows({ cursor: t('2024-05-01T00:02:00Z'), now: t('2024-05-01T05:10:00Z'), policy: base });
    expect(p.windows).toHaveLength(11);
    expect(p.windows[0] && iso(p.windows[0])).toEqual(['2024-05-01T00:00:00.000Z', '2024-05-01T00:30:00.000Z']);
    expect(p.windows.at(-1) && iso(p.windows.at(-1) ?? p.windows[0]!)).toEqual(['2024-05-01T05:00:00.000Z', '2024-05-01T05:10:00.000Z']);
    for (let i = 1; i < p.windows.length; i++) expect(p.windows[i]?.start.getTime()).toBe(p.windows[i - 1]?.end.getTime());
    for (const w of p.windows) expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(base.maxWindowMs);
  });

  it('bounds a run to maxWindows and says more remain; the next run continues from the cursor', () => {
    const now = t('2024-05-02T00:00:00Z');
    const first = planWindows({ cursor: t('2024-05-01T00:02:00Z'), now, policy: base, maxWindows: 3 });
    expect(first.windows).toHaveLength(3);
    expect(first.more).toBe(true);
    let cursor: Date | null = null;
    for (const w of first.windows) cursor = advanceCursor(cursor, w);
    expect(cursor?.toISOString()).toBe('2024-05-01T01:30:00.000Z');
    const second = planWindows({ cursor, now, policy: base, maxWindows: 3 });
    // the next run starts an overlap before where the first stopped
    expect(second.windows[0]?.start.toISOString()).toBe('2024-05-01T01:28:00.000Z');
  });

  it('keeps the minimum lag (PDD: end at least 3 min before now)', () => {
    const p = planWindows({ cursor: t('2024-05-01T10:00:00Z'), now: t('2024-05-01T10:20:30Z'), policy: PLATFORM_POLLING.pinduoduo });
    expect(p.windows.map(iso)).toEqual([['2024-05-01T09:58:00.000Z', '2024-05-01T10:17:30.000Z']]);
    const amazon = planWindows({ cursor: t('2024-05-01T10:00:00Z'), now: t('2024-05-01T10:20:00Z'), policy: PLATFORM_POLLING.amazon });
    expect(amazon.windows.at(-1)?.end.toISOString()).toBe('2024-05-01T10:18:00.000Z');
  });

  it('plans nothing while the lag leaves nothing new to read', () => {
    const p = planWindows({ cursor: t('2024-05-01T10:00:00Z'), now: t('2024-05-01T10:01:00Z'), policy: { ...base, minLagMs: 3 * MIN } });
    expect(p.windows).toEqual([]);
    expect(p.more).toBe(false);
  });

  it('rounds to the API unit (whole seconds) so windows still abut', () => {
    const p = planWindows({ cursor: t('2024-05-01T10:02:00.700Z'), now: t('2024-05-01T10:40:00.900Z'), policy: base });
    expect(p.windows.map(iso)).toEqual([
      ['2024-05-01T10:00:00.000Z', '2024-05-01T10:30:00.000Z'],
      ['2024-05-01T10:30:00.000Z', '2024-05-01T10:40:00.000Z'],
    ]);
  });

  it('the overlap is configurable, zero included', () => {
    const p = planWindows({ cursor: t('2024-05-01T10:00:00Z'), now: t('2024-05-01T10:10:00Z'), policy: { ...base, overlapMs: 0 } });
    expect(p.windows[0]?.start.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    const q = planWindows({ cursor: t('2024-05-01T10:00:00Z'), now: t('2024-05-01T10:10:00Z'), policy: { ...base, overlapMs: 5 * MIN } });
    expect(q.windows[0]?.start.toISOString()).toBe('2024-05-01T09:55:00.000Z');
  });

  it('first run starts one window (or the given lookback) before the lag limit', () => {
    const p = planWindows({ cursor: null, now: t('2024-05-01T10:00:00Z'), policy: base });
    expect(p.windows.map(iso)).toEqual([['2024-05-01T09:30:00.000Z', '2024-05-01T10:00:00.000Z']]);
    const q = planWindows({ cursor: null, now: t('2024-05-01T10:00:00Z'), policy: base, initialLookbackMs: 60 * MIN });
    expect(q.windows).toHaveLength(2);
    expect(q.windows[0]?.start.toISOString()).toBe('2024-05-01T09:00:00.000Z');
  });

  it('reports the range older than the platform serves as lost (TOP: 3 months)', () => {
    const now = t('2024-05-01T00:00:00Z');
    const p = planWindows({ cursor: t('2024-01-01T00:00:00Z'), now, policy: PLATFORM_POLLING.taobao, maxWindows: 1 });
    expect(p.lost && iso(p.lost)).toEqual(['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z']);
    expect(p.windows[0]?.start.toISOString()).toBe('2024-02-01T00:00:00.000Z');
    // a cursor inside the lookback loses nothing, even when its overlap reaches past it
    const edge = planWindows({ cursor: t('2024-02-01T00:01:00Z'), now, policy: PLATFORM_POLLING.taobao, maxWindows: 1 });
    expect(edge.lost).toBeNull();
    expect(edge.windows[0]?.start.toISOString()).toBe('2024-02-01T00:00:00.000Z');
  });

  it('refuses a nonsensical policy', () => {
    expect(() => planWindows({ cursor: null, now: new Date(), policy: { ...base, maxWindowMs: 0 } })).toThrow(RangeError);
    expect(() => planWindows({ cursor: null, now: new Date(), policy: { ...base, overlapMs: -1 } })).toThrow(RangeError);
  });

  it('every platform policy keeps its windows within the documented maximum', () => {
    const now = t('2024-05-10T00:00:00Z');
    for (const policy of Object.values(PLATFORM_POLLING)) {
      const p = planWindows({ cursor: t('2024-05-08T00:00:00Z'), now, policy, maxWindows: 1000 });
      expect(p.more).toBe(false);
      for (const w of p.windows) {
        expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(policy.maxWindowMs);
        expect(w.end.getTime()).toBeLessThanOrEqual(now.getTime() - policy.minLagMs);
      }
    }
  });
});

describe('advanceCursor', () => {
  it('moves to the window end but never backwards', () => {
    const w = { start: t('2024-05-01T09:00:00Z'), end: t('2024-05-01T09:30:00Z') };
    expect(advanceCursor(null, w).toISOString()).toBe('2024-05-01T09:30:00.000Z');
    expect(advanceCursor(t('2024-05-01T10:00:00Z'), w).toISOString()).toBe('2024-05-01T10:00:00.000Z');
  });
});

describe('backward paging', () => {
  it('finds the last page for 1-based and 0-based APIs', () => {
    expect(lastPage(0, 100, 1)).toBe(1);
    expect(lastPage(100, 100, 1)).toBe(1);
    expect(lastPage(101, 100, 1)).toBe(2);
    expect(lastPage(250, 100, 0)).toBe(2);
    expect(() => lastPage(1, 0, 1)).toThrow(RangeError);
  });
  it('walks down to the first page and stops', () => {
    expect(previousPage(3, 1)).toBe(2);
    expect(previousPage(1, 1)).toBeNull();
    expect(previousPage(1, 0)).toBe(0);
    expect(previousPage(0, 0)).toBeNull();
  });
});

describe('polling config and window input', () => {
  it('defaults, caps the window at the platform ceiling, and builds a policy', async () => {
    const { pollingConfig, policyFrom, windowInput } = await import('./polling.js');
    const cfg = pollingConfig(30, 30 * MIN);
    expect(cfg.parse(undefined)).toEqual({ windowMinutes: 30, overlapSeconds: 120 });
    expect(cfg.safeParse({ windowMinutes: 31 }).success).toBe(false);
    expect(policyFrom(PLATFORM_POLLING.pinduoduo, { windowMinutes: 10, overlapSeconds: 60 })).toMatchObject({ maxWindowMs: 10 * MIN, overlapMs: 60_000, minLagMs: 3 * MIN });
    const w = windowInput(30 * MIN);
    expect(w.parse({ start: '2024-05-01T00:00:00Z', end: '2024-05-01T00:30:00Z' }).end.toISOString()).toBe('2024-05-01T00:30:00.000Z');
    expect(w.safeParse({ start: '2024-05-01T00:00:00Z', end: '2024-05-01T00:30:01Z' }).success).toBe(false);
    expect(w.safeParse({ start: '2024-05-01T00:00:00Z', end: '2024-05-01T00:00:00Z' }).success).toBe(false);
  });
});
