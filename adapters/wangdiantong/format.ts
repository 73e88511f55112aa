import type { Money } from '../../src/canonical/order.js';

/** ISO-4217 minor-unit exponents that are not 2 (WDT is CNY in practice; the table keeps others exact). */
const EXPONENT: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

export function currencyExponent(currency: string): number {
  return EXPONENT[currency] ?? 2;
}

/**
 * Integer minor units -> a decimal string with exactly `places` decimals, by string arithmetic
 * (12345 fen -> "123.4500"). No float ever holds the amount. Throws if `places` would drop digits.
 */
export function minorToDecimal(minor: number, exponent: number, places: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount ${minor} is not a safe integer of minor units`);
  if (places < exponent) throw new RangeError(`${places} places cannot hold ${exponent} minor digits`);
  const neg = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const int = digits.slice(0, digits.length - exponent);
  const frac = digits.slice(digits.length - exponent).padEnd(places, '0');
  return `${neg ? '-' : ''}${int}${places > 0 ? `.${frac}` : ''}`;
}

/** WDT's Decimal(19,4) as a string: "123.4500". */
export function wdtDecimal(m: Money): string {
  return minorToDecimal(m.minor, currencyExponent(m.currency), 4);
}

export const ZERO_4 = '0.0000';

/** ISO-8601 instant -> "yyyy-MM-dd HH:mm:ss" in GMT+8, the wall clock every WDT time field uses. */
export function gmt8DateTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`not a date-time: ${iso}`);
  const d = new Date(t + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** A WDT Decimal(19,4) read back (number or string) as a JS number of units; quantities only. */
export function parseQuantity(v: string | number): number {
  const n = typeof v === 'number' ? v : Number(v.trim());
  if (!Number.isFinite(n)) throw new RangeError(`not a quantity: ${String(v)}`);
  return n;
}

/** WDT writes quantities as decimals ("1.0000"); a return of a fraction of a unit cannot be restocked: null then. */
export function wholeUnits(v: string | number): number | null {
  let n: number;
  try {
    n = parseQuantity(v);
  } catch {
    return null;
  }
  return Number.isInteger(n) && n >= 0 ? n : null;
}
