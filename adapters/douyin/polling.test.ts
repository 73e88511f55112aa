import { describe, expect, it } from 'vitest';
import { douyinPollingConfig, planDouyinWindows } from './polling.js';

describe('douyin polling windows', () => {
  it('defaults to 30 min windows ending 0 min before now, starting the 2 min overlap before the cursor', () => {
    const cfg = douyinPollingConfig.parse(undefined);
    expect(cfg).toEqual({ windowMinutes: 30, overlapSeconds: 120 });
    const now = new Date('2024-05-01T12:00:00Z');
    const cursor = new Date(now.getTime() - 3 * 30 * 60_000);
    const plan = planDouyinWindows(cursor, now, cfg);
    expect(plan.windows[0]?.start.getTime()).toBe(cursor.getTime() - 120_000);
    expect(plan.windows.at(-1)?.end.getTime()).toBe(now.getTime() - 0 * 60_000);
    for (const w of plan.windows) expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(30 * 60_000);
    // (3 x 30 min + 2 min overlap - 0 min lag) in 30 min windows
    expect(plan.windows.length).toBe(4);
  });
});
