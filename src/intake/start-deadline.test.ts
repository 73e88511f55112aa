import { describe, expect, it, vi } from 'vitest';
import { POLL_START_DEADLINE_MS, settleBy, StartDeadlineError, startDeadlineFor } from './start-deadline.js';

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

describe('settleBy', () => {
  it('passes the call through when it settles first', async () => {
    await expect(settleBy(Date.now() + 1_000, Promise.resolve('started'))).resolves.toBe('started');
    const refused = new Error('ALREADY_EXISTS');
    await expect(settleBy(Date.now() + 1_000, Promise.reject(refused))).rejects.toBe(refused);
  });

  it('rejects at the deadline when the call is still waiting, and ignores its late outcome', async () => {
    vi.useFakeTimers();
    try {
      let late: (v: string) => void = () => {};
      const call = new Promise<string>((resolve) => (late = resolve));
      const settled = settleBy(Date.now() + 2_500, call);
      const seen = expect(settled).rejects.toThrow(new StartDeadlineError(2_500));
      await vi.advanceTimersByTimeAsync(2_500);
      await seen;
      late('stored after all');
      await expect(settled).rejects.toBeInstanceOf(StartDeadlineError);
    } finally {
      vi.useRealTimers();
    }
  });
});
