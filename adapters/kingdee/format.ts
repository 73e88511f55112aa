import type { Money } from '../../src/canonical/order.js';

const EXPONENT: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

/**
 * Minor units -> the decimal string Kingdee accepts for a decimal field ("299.00"), by string
 * arithmetic: no float ever holds the amount. Sent as a JSON string, which Kingdee converts to
 * the field's decimal type, so no binary rounding can happen on either side.
 */
export function kingdeeDecimal(m: Money): string {
  if (!Number.isSafeInteger(m.minor)) throw new RangeError(`amount ${m.minor} is not a safe integer of minor units`);
  const exp = EXPONENT[m.currency] ?? 2;
  const digits = String(Math.abs(m.minor)).padStart(exp + 1, '0');
  const int = digits.slice(0, digits.length - exp);
  const frac = digits.slice(digits.length - exp);
  return `${m.minor < 0 ? '-' : ''}${int}${exp > 0 ? `.${frac}` : ''}`;
}

/** ISO instant -> the GMT+8 calendar date ("yyyy-MM-dd") a Chinese ERP books it on. */
export function gmt8Date(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`not a date-time: ${iso}`);
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}
