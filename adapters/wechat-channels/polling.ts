import { pollingConfig } from '../_shared/polling.js';

const DAY = 24 * 60 * 60_000;

/**
 * The longest window order.pull takes. WeChat allows 7 days between start_time and end_time;
 * the hub's generic policy (src/polling/policy.ts) caps a window at one day, so that is the bound.
 */
export const WECHAT_MAX_WINDOW_MS = DAY;

/** WeChat pull windows: unix seconds, 30 min by default, continued with next_key. */
export const wechatPollingConfig = pollingConfig(30, WECHAT_MAX_WINDOW_MS).describe('Order pull windows by update time: their length in minutes (at most a day) and how far each run re-reads before the cursor');
