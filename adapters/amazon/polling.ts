import { planWindows, PLATFORM_MAX_WINDOW_MS, PLATFORM_POLLING, pollingConfig, policyFrom, type WindowPlan } from '../_shared/polling.js';

/** Amazon pull windows: end at least 2 min before now; NextToken paging inside a window. */
export const amazonPollingConfig = pollingConfig(360, PLATFORM_MAX_WINDOW_MS.amazon);

export function planAmazonWindows(cursor: Date | null, now: Date, cfg: { windowMinutes: number; overlapSeconds: number }, maxWindows?: number): WindowPlan {
  return planWindows({ cursor, now, policy: policyFrom(PLATFORM_POLLING.amazon, cfg), maxWindows });
}
