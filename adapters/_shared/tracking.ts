import { z } from 'zod';

/**
 * The canonical tracking answer every courier or tracker adapter returns, so the lifecycle
 * workflow reads one shape whether SF, EMS or KDNiao answered.
 */
export const TRACKING_STATE = {
  NONE: 'none',
  PICKED_UP: 'picked_up',
  IN_TRANSIT: 'in_transit',
  DELIVERED: 'delivered',
  PROBLEM: 'problem',
} as const;
export type TrackingState = (typeof TRACKING_STATE)[keyof typeof TRACKING_STATE];

export const TrackingEvent = z
  .object({
    /** ISO-8601 with offset; carriers send GMT+8 wall-clock times, converted with +08:00. */
    at: z.iso.datetime({ offset: true }),
    /** Where it happened, as the carrier wrote it (a depot or city, never the buyer's address). */
    location: z.string().nullable(),
    description: z.string(),
    /** The carrier's own event code (SF opCode), when it has one. */
    code: z.string().nullable(),
  })
  .strict();
export type TrackingEvent = z.infer<typeof TrackingEvent>;

export const TrackingResult = z
  .object({
    carrier: z.string().min(1),
    trackingNo: z.string().min(1),
    state: z.enum(TRACKING_STATE),
    /** The carrier's state value, verbatim, for audit (KDNiao State/StateEx, SF last opCode). */
    carrierState: z.string().nullable(),
    /** Oldest first. */
    events: z.array(TrackingEvent),
  })
  .strict();
export type TrackingResult = z.infer<typeof TrackingResult>;

const GMT8_WALL_CLOCK = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * "2024-6-1 9:05:00" (GMT+8, SF and KDNiao pad inconsistently) -> "2024-06-01T09:05:00+08:00".
 * Returns null for anything else, so a caller decides whether a bad time rejects the answer.
 */
export function gmt8ToIso(text: string): string | null {
  const m = GMT8_WALL_CLOCK.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const pad = (v: string | undefined) => (v ?? '0').padStart(2, '0');
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || Number(mi) > 59 || Number(s ?? '0') > 59) return null;
  // Reject 2024-02-30 and the like: the calendar must round-trip.
  const probe = new Date(Date.UTC(Number(y), month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}+08:00`;
}

/** Sorts events oldest first by instant (stable for equal times, keeping the carrier's order). */
export function sortEvents(events: readonly TrackingEvent[]): TrackingEvent[] {
  return events
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}
