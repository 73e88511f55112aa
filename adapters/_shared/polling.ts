import { z } from 'zod';

/**
 * Polling windows for platforms that must be pulled by modified time (Taobao, JD, Pinduoduo,
 * Douyin, Amazon). Pure: given the durable cursor and `now`, say which [start, end] windows to
 * read next. The scheduler (later work) persists the cursor and calls order.pull per window.
 *
 * Why each rule exists:
 * - maxWindow: the platform refuses longer windows (PDD 30 min, TOP one day, JD one month).
 * - minLag: the platform's index lags its writes (PDD: end >= 3 min before server time; Amazon:
 *   LastUpdatedBefore >= 2 min before now); a window closer to now would miss late rows for good.
 * - overlap: each run re-reads a little before the cursor, so an order whose modified time was
 *   indexed late, or a clock difference between us and the platform, does not fall between two
 *   polls. Duplicates are harmless (intake dedupes); a gap loses an order.
 * - maxLookback: the platform serves nothing older (TOP: 3 months). After an outage longer than
 *   that, the unreadable range is reported as `lost` so an operator can be told, not hidden.
 * - catch-up: after an outage, the range is split into maximum-size windows, oldest first, and at
 *   most `maxWindows` are planned per run so one run stays bounded; the next run continues.
 */

export interface TimeWindow {
  start: Date;
  end: Date;
}

/** Which page to read first. Backwards can duplicate a row but never skip one (see lastPage). */
export const PAGING = {
  /** Read the last page first, then page towards the first (TOP, PDD, Douyin). */
  LAST_PAGE_FIRST: 'last-page-first',
  /** Opaque continuation token (Amazon NextToken): the server keeps the snapshot. */
  TOKEN: 'token',
} as const;
export type Paging = (typeof PAGING)[keyof typeof PAGING];

export interface PollingPolicy {
  maxWindowMs: number;
  minLagMs: number;
  overlapMs: number;
  /** The API's time unit (1000 for unix seconds, TOP's "yyyy-MM-dd HH:mm:ss" too). */
  granularityMs: number;
  maxLookbackMs?: number;
  paging: Paging;
}

export const DEFAULT_OVERLAP_MS = 2 * 60_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The documented limits of each platform; a connector may choose a smaller window. */
export const PLATFORM_POLLING = {
  /** TOP: at most one day per window, 30 min advised; only the last 3 months are served. */
  taobao: { maxWindowMs: 30 * MINUTE, minLagMs: 0, overlapMs: DEFAULT_OVERLAP_MS, granularityMs: 1000, maxLookbackMs: 90 * DAY, paging: PAGING.LAST_PAGE_FIRST },
  /** JD: <= 1 month per window, but small windows are rolled instead of paging deep. */
  jd: { maxWindowMs: 30 * MINUTE, minLagMs: 0, overlapMs: DEFAULT_OVERLAP_MS, granularityMs: 1000, paging: PAGING.LAST_PAGE_FIRST },
  /** PDD: <= 30 min, end at least 3 min before server time. */
  pinduoduo: { maxWindowMs: 30 * MINUTE, minLagMs: 3 * MINUTE, overlapMs: DEFAULT_OVERLAP_MS, granularityMs: 1000, paging: PAGING.LAST_PAGE_FIRST },
  /** Douyin: unix-second windows; kept at 30 min so a window stays a few pages. */
  douyin: { maxWindowMs: 30 * MINUTE, minLagMs: 0, overlapMs: DEFAULT_OVERLAP_MS, granularityMs: 1000, paging: PAGING.LAST_PAGE_FIRST },
  /** Amazon: LastUpdatedBefore >= 2 min before now; NextToken paging, no documented window cap. */
  amazon: { maxWindowMs: 6 * 60 * MINUTE, minLagMs: 2 * MINUTE, overlapMs: DEFAULT_OVERLAP_MS, granularityMs: 1000, paging: PAGING.TOKEN },
} as const satisfies Record<string, PollingPolicy>;

/** Hard ceilings a connector's own window setting may not exceed. */
export const PLATFORM_MAX_WINDOW_MS = { taobao: DAY, jd: 30 * DAY, pinduoduo: 30 * MINUTE, douyin: DAY, amazon: 30 * DAY } as const;

export interface WindowPlan {
  /** Consecutive windows, oldest first; empty when the lag leaves nothing to read yet. */
  windows: TimeWindow[];
  /** Range older than the platform serves that the cursor still pointed into: it cannot be read. */
  lost: TimeWindow | null;
  /** True when more windows remain beyond `maxWindows` (the next run continues). */
  more: boolean;
}

export interface PlanInput {
  /** The durable cursor: the end of the last window read completely, or null on the first run. */
  cursor: Date | null;
  now: Date;
  policy: PollingPolicy;
  /** How far back the very first run starts (default one max window). */
  initialLookbackMs?: number;
  /** Windows per run (default 48). */
  maxWindows?: number;
}

const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;
const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit;

export function planWindows(input: PlanInput): WindowPlan {
  const { cursor, now, policy } = input;
  if (!(policy.maxWindowMs > 0) || policy.minLagMs < 0 || policy.overlapMs < 0 || !(policy.granularityMs > 0)) {
    throw new RangeError('polling policy: maxWindowMs and granularityMs must be > 0, minLagMs and overlapMs >= 0');
  }
  const maxWindows = input.maxWindows ?? 48;
  const unit = policy.granularityMs;
  // The window size is a whole number of units so windows abut exactly after rounding.
  const size = Math.max(unit, floorTo(policy.maxWindowMs, unit));
  const limitEnd = floorTo(now.getTime() - policy.minLagMs, unit);
  let start = cursor ? floorTo(cursor.getTime() - policy.overlapMs, unit) : floorTo(limitEnd - (input.initialLookbackMs ?? size), unit);

  let lost: TimeWindow | null = null;
  if (policy.maxLookbackMs !== undefined) {
    const earliest = ceilTo(now.getTime() - policy.maxLookbackMs, unit);
    if (start < earliest) {
      // Only what the cursor had not yet covered is lost; the overlap part was read already.
      const unreadFrom = cursor ? cursor.getTime() : start;
      if (unreadFrom < earliest) lost = { start: new Date(unreadFrom), end: new Date(earliest) };
      start = earliest;
    }
  }

  const windows: TimeWindow[] = [];
  let s = start;
  while (s < limitEnd && windows.length < maxWindows) {
    const e = Math.min(s + size, limitEnd);
    windows.push({ start: new Date(s), end: new Date(e) });
    s = e;
  }
  return { windows, lost, more: s < limitEnd };
}

/** The cursor after a window was read completely: never moves backwards. */
export function advanceCursor(cursor: Date | null, completed: TimeWindow): Date {
  return cursor && cursor.getTime() > completed.end.getTime() ? cursor : completed.end;
}

/**
 * Pages of a windowed list read from the last page backwards. Why: while we page, an order
 * modified again leaves the window (its new time is after `end`, which is in the past, so nothing
 * enters) and every row after it moves up one place, whichever way the list is sorted. Reading
 * forwards, the row that moves from page k+1 onto the already-read page k is skipped for good,
 * and it is not modified again so no later window finds it; reading backwards, the rows that move
 * come from pages already read, so a row is at worst read twice (intake dedupes).
 *
 * `firstIndex` is 1 for TOP/PDD, 0 for Douyin. Returns the page to read after `current`, or null.
 */
export function lastPage(total: number, pageSize: number, firstIndex: 0 | 1): number {
  if (!(pageSize > 0)) throw new RangeError('pageSize must be > 0');
  const pages = Math.max(1, Math.ceil(Math.max(0, total) / pageSize));
  return firstIndex + pages - 1;
}

export function previousPage(current: number, firstIndex: 0 | 1): number | null {
  return current > firstIndex ? current - 1 : null;
}

/**
 * One step of the backward read: the page the poll asked for, or, on a window's first call, the
 * last page (found from the first page's total; a one-page window is read once). `next` is the
 * page to ask for after it, or null when the window is done.
 */
export async function readBackwards<P extends { total: number }>(requested: number | undefined, pageSize: number, firstIndex: 0 | 1, list: (page: number) => Promise<P>): Promise<{ page: number; result: P; next: number | null }> {
  if (requested !== undefined) return { page: requested, result: await list(requested), next: previousPage(requested, firstIndex) };
  const first = await list(firstIndex);
  const page = lastPage(first.total, pageSize, firstIndex);
  return { page, result: page === firstIndex ? first : await list(page), next: previousPage(page, firstIndex) };
}

/**
 * The `polling` block of a pulling connector's config: its own window (never above the
 * platform's ceiling) and overlap. The scheduler turns it into a policy with {@link policyFrom}.
 */
export function pollingConfig(defaultWindowMinutes: number, maxWindowMs: number) {
  return z
    .object({
      windowMinutes: z.number().int().min(1).max(Math.floor(maxWindowMs / MINUTE)).default(defaultWindowMinutes).describe("Longest time window one pull asks for (never above the platform's ceiling)"),
      overlapSeconds: z.number().int().min(0).max(3600).default(DEFAULT_OVERLAP_MS / 1000).describe('Each window starts this long before the last one ended, for orders the platform indexes late'),
    })
    .strict()
    .prefault({});
}

export function policyFrom(base: PollingPolicy, cfg: { windowMinutes: number; overlapSeconds: number }): PollingPolicy {
  return { ...base, maxWindowMs: cfg.windowMinutes * MINUTE, overlapMs: cfg.overlapSeconds * 1000 };
}

/** The window an order.pull receives, as JSON crosses Temporal: ISO strings or Dates. */
export function windowInput(maxWindowMs: number) {
  return z
    .object({ start: z.coerce.date(), end: z.coerce.date() })
    .strict()
    .refine((w) => w.end.getTime() > w.start.getTime(), 'window.end must be after window.start')
    .refine((w) => w.end.getTime() - w.start.getTime() <= maxWindowMs, `window longer than the platform allows (${maxWindowMs / MINUTE} min)`);
}
