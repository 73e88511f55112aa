import { planWindows, PLATFORM_MAX_WINDOW_MS, PLATFORM_POLLING, pollingConfig, policyFrom, type WindowPlan } from '../_shared/polling.js';

/** Taobao pull windows: 30 min by default (TOP allows a day), last 3 months only, last page first. */
export const taobaoPollingConfig = pollingConfig(30, PLATFORM_MAX_WINDOW_MS.taobao);

export function planTaobaoWindows(cursor: Date | null, now: Date, cfg: { windowMinutes: number; overlapSeconds: number }, maxWindows?: number): WindowPlan {
  return planWindows({ cursor, now, policy: policyFrom(PLATFORM_POLLING.taobao, cfg), maxWindows });
}
