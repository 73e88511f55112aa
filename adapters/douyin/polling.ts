import { planWindows, PLATFORM_MAX_WINDOW_MS, PLATFORM_POLLING, pollingConfig, policyFrom, type WindowPlan } from '../_shared/polling.js';

/** Douyin pull windows: unix seconds, 30 min by default, read from the last page back. */
export const douyinPollingConfig = pollingConfig(30, PLATFORM_MAX_WINDOW_MS.douyin);

export function planDouyinWindows(cursor: Date | null, now: Date, cfg: { windowMinutes: number; overlapSeconds: number }, maxWindows?: number): WindowPlan {
  return planWindows({ cursor, now, policy: policyFrom(PLATFORM_POLLING.douyin, cfg), maxWindows });
}
