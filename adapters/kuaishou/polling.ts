import { pollingConfig } from '../_shared/polling.js';

const DAY = 24 * 60 * 60_000;

/**
 * The longest window order.pull takes. Kuaishou refuses more than 7 days (300004 SEARCH TIME
 * RANGE EXPAND 7 DAYS) and serves 90 days back (300005); the hub's generic policy
 * (src/polling/policy.ts) caps a window at one day, so that is the bound.
 */
export const KUAISHOU_MAX_WINDOW_MS = DAY;

export const kuaishouPollingConfig = pollingConfig(30, KUAISHOU_MAX_WINDOW_MS).describe('Order pull windows by update time: their length in minutes (at most a day) and how far each run re-reads before the cursor');
