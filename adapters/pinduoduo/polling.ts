import { planWindows, PLATFORM_MAX_WINDOW_MS, PLATFORM_POLLING, pollingConfig, policyFrom, type WindowPlan } from '../_shared/polling.js';

/** PDD pull windows: at most 30 min, ending at least 3 min before now, read from the last page back. */
export const pinduoduoPollingConfig = pollingConfig(30, PLATFORM_MAX_WINDOW_MS.pinduoduo);

export function planPinduoduoWindows(cursor: Date | null, now: Date, cfg: { windowMinutes: number; overlapSeconds: number }, maxWindows?: number): WindowPlan {
  return planWindows({ cursor, now, policy: policyFrom(PLATFORM_POLLING.pinduoduo, cfg), maxWindows });
}
