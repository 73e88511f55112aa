import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signing primitives shared by the Chinese platform gateways (TOP, JD, Pinduoduo, Douyin, Youzan).
 * They all sign a canonical string built from the request parameters; what differs is which
 * parameters, the wrapper around the string and the digest. Keeping the primitives here means
 * each adapter's `sign*` function is a few lines that read like the platform's documentation.
 */

export function md5Hex(input: string | Uint8Array): string {
  return createHash('md5').update(input).digest('hex');
}

export function hmacHex(algorithm: 'md5' | 'sha256', key: string, input: string | Uint8Array): string {
  return createHmac(algorithm, key).update(input).digest('hex');
}

/**
 * `k1v1k2v2...` over the parameters sorted by key in code-unit order (what Java's TreeMap and
 * Python's sorted() do for the ASCII keys these APIs use). `sign` itself never takes part, and
 * a parameter without a value is left out, as the platforms' own SDKs do; the same rule is
 * applied to what is sent, so signed and sent parameters never disagree.
 */
export function sortedKeyValues(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}${params[k] ?? ''}`)
    .join('');
}

/** Drops empty values, so the sent form equals what {@link sortedKeyValues} signed. */
export function withoutEmpty(params: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/**
 * Compares a received signature with the expected one in constant time. Hex is compared
 * case-insensitively (platforms disagree on case); a length mismatch is a plain `false`, which
 * leaks only the length of a public algorithm's output.
 */
export function signaturesEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received.trim().toLowerCase(), 'utf8');
  const b = Buffer.from(expected.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const GMT8_OFFSET_MS = 8 * 3600_000;

/** "yyyy-MM-dd HH:mm:ss" in China time (UTC+8, no DST), whatever the host's time zone. */
export function formatGmt8(date: Date): string {
  const d = new Date(date.getTime() + GMT8_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Inverse of {@link formatGmt8}; null when the text is not that exact shape. */
export function parseGmt8(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined || s === undefined) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - GMT8_OFFSET_MS;
  const back = new Date(ms);
  // Date.UTC rolls 2024-02-30 over to March: refuse instead of shifting the time.
  return formatGmt8(back) === text.trim() ? back : null;
}

/** Whole unix seconds, rounded down (PDD and Douyin windows, Douyin's timestamp). */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
