import { describe, expect, it } from 'vitest';
import { POLL_START_DEADLINE_MS, startDeadlineFor } from './start-deadline.js';

describe('startDeadlineFor', () => {
  it('keeps pushes within the platform timeout and gives pulled pages longer', () => {
    expect(startDeadlineFor('webhook', 2_500)).toBe(2_500);
    expect(startDeadlineFor('replay', 2_500)).toBe(2_500);
    expect(startDeadlineFor('api', 2_500)).toBe(2_500);
    expect(startDeadlineFor('poll', 2_500)).toBe(POLL_START_DEADLINE_MS);
    // Never shorter than the configured push deadline.
    expect(startDeadlineFor('poll', 4_500)).toBeGreaterThanOrEqual(4_500);
  });
});
