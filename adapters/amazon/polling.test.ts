import { describe, expect, it } from 'vitest';
import { amazonPollingConfig, planAmazonWindows } from './polling.js';

describe('amazon polling windows', () => {
  it('defaults to 360 min windows ending 2 min before now, starting the 2 min overlap before the cursor', () => {
    const cfg = amazonPollingConfig.parse(undefined);
    expect(cfg).toEqual({ windowMinutes: 360, overlapSeconds: 120 });
    const now = new Date('2024-05-01T12:00:00Z');
    const cursor = new Date(now.getTime() - 3 * 360 * 60_000);
    const plan = planAmazonWindows(cursor, now, cfg);
    expect(plan.windows[0]?.start.getTime()).toBe(cursor.getTime() - 120_000);
    expect(plan.windows.at(-1)?.end.getTime()).toBe(now.getTime() - 2 * 60_000);
    for (const w of plan.windows) expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(360 * 60_000);
    // (3 x 360 min + 2 min overlap - 2 min lag) in 360 min windows
    expect(plan.windows.length).toBe(3);
  });
});
