import { z } from 'zod';

/**
 * The alert.send input shared by the group-robot notifiers (WeCom, DingTalk). Alerts go to chat
 * groups that many people read, so they must never carry buyer PII: the text is masked before
 * it leaves the hub whatever the caller put in it (see maskPii).
 */
export const ALERT_SEVERITY = { INFO: 'info', WARNING: 'warning', CRITICAL: 'critical' } as const;
export type AlertSeverity = (typeof ALERT_SEVERITY)[keyof typeof ALERT_SEVERITY];

export const AlertInput = z
  .object({
    title: z.string().min(1).max(200),
    text: z.string().min(1).max(4000),
    severity: z.enum(ALERT_SEVERITY),
    /** The hub's order key (channel:platformOrderId), so people can find the order; not masked. */
    orderKey: z.string().min(1).max(200).optional(),
    /** A merged message's order keys (the hub's router merges notices past the robot's rate), one per notice naming an order; not masked. */
    orderKeys: z.array(z.string().min(1).max(200)).max(50).optional(),
    /** Mobiles the robot @-mentions (the people a notification route names), or `@all`. */
    mentionMobiles: z
      .array(z.string().regex(/^(1\d{10}|@all)$/, 'a mainland mobile of 11 digits or @all'))
      .max(50)
      .optional(),
  })
  .strict();
export type AlertInput = z.output<typeof AlertInput>;

/** Mainland mobiles written with separators or a +86 prefix: 138-1234-5678, +86 138 1234 5678. */
const MOBILE_SPACED = /(?<![\d])(?:\+?86[- ]?)?(1[3-9]\d)[- ](\d{4})[- ](\d{4})(?!\d)/g;
/** Any standalone run of exactly 11 digits: a phone number as far as a chat group is concerned. */
const ELEVEN_DIGITS = /(?<!\d)(\d{3})\d{4}(\d{4})(?!\d)/g;
/** Resident ID numbers: 17 digits and a check digit or X. */
const ID_CARD = /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;

/**
 * Masks phone-like numbers (keeps the first 3 and last 4 digits, as platforms do), resident ID
 * numbers and e-mail local parts. Deliberately broad: a masked order number in an alert costs a
 * lookup by orderKey; a leaked phone number cannot be taken back.
 */
export function maskPii(text: string): string {
  return text.replace(MOBILE_SPACED, '$1****$3').replace(ID_CARD, '$1********$2').replace(ELEVEN_DIGITS, '$1****$2').replace(EMAIL, '$1***@$2');
}

const SEVERITY_LABEL: Readonly<Record<AlertSeverity, string>> = { info: 'INFO', warning: 'WARNING', critical: 'CRITICAL' };

/**
 * The masked parts every notifier renders. `orderLines` are the `order: <key>` lines that end the
 * message, unmasked: a merged message has one per order, so each notice in it can be found.
 */
export function maskedAlert(a: AlertInput): { label: string; title: string; text: string; orderLines: string[] } {
  const keys = a.orderKey ? [a.orderKey] : [...new Set(a.orderKeys ?? [])];
  return { label: SEVERITY_LABEL[a.severity], title: maskPii(a.title), text: maskPii(a.text), orderLines: keys.map((k) => `order: ${k}`) };
}

/** `head` cut to fit `maxBytes` together with `tail` (joined by `sep`): the tail is never what is cut. */
export function fitWithTail(head: string, tail: string, sep: string, maxBytes: number): string {
  if (!tail) return truncateUtf8(head, maxBytes);
  return `${truncateUtf8(head, Math.max(0, maxBytes - Buffer.byteLength(tail + sep, 'utf8')))}${sep}${tail}`;
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character (robot limits are in bytes). */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  let out = '';
  let used = 0;
  const ellipsis = '…';
  const budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8');
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + ellipsis;
}
