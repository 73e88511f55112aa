import { planWindows, PLATFORM_MAX_WINDOW_MS, PLATFORM_POLLING, pollingConfig, policyFrom, type WindowPlan } from '../_shared/polling.js';

/** JD pull windows: JOS accepts a month, but small windows are rolled instead of paging deep. */
export const jdPollingConfig = pollingConfig(30, PLATFORM_MAX_WINDOW_MS.jd);

export function planJdWindows(cursor: Date | null, now: Date, cfg: { windowMinutes: number; overlapSeconds: number }, maxWindows?: number): WindowPlan {
  return planWindows({ cursor, now, policy: policyFrom(PLATFORM_POLLING.jd, cfg), maxWindows });
}
