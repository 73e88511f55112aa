import { currencyExponent } from '../mapping/functions.js';

/**
 * Integer minor units (bigint, so sums of a month's orders stay exact whatever their size) as a
 * decimal text in major units: 3210n CNY -> "32.10", -5n -> "-0.05", 12n JPY -> "12".
 * Never goes through a float.
 */
export function formatMinor(minor: bigint, currency: string): string {
  const exp = currencyExponent(currency);
  const neg = minor < 0n;
  const digits = (neg ? -minor : minor).toString();
  if (exp === 0) return `${neg ? '-' : ''}${digits}`;
  const padded = digits.padStart(exp + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
}

/** base x rate, rounded half away from zero to a whole minor unit (basis points: 100 = 1 %). */
export function applyBasisPoints(base: bigint, basisPoints: number): bigint {
  if (!Number.isInteger(basisPoints) || basisPoints < 0) throw new Error(`rate: expected non-negative integer basis points, got ${basisPoints}`);
  const product = base * BigInt(basisPoints);
  const abs = product < 0n ? -product : product;
  const rounded = (abs + 5_000n) / 10_000n;
  return product < 0n ? -rounded : rounded;
}

/**
 * formatMinor's inverse, for reading a reconciliation file back: "32.10" CNY -> 3210n, "-0.05" ->
 * -5n. Text that is not a plain decimal with at most the currency's places is refused by name.
 */
export function parseMinor(text: string, currency: string): bigint {
  const exp = currencyExponent(currency);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m || (m[3]?.length ?? 0) > exp) throw new Error(`amount: expected a decimal with at most ${exp} decimal place(s) for ${currency}, got "${text}"`);
  const v = BigInt(`${m[2] ?? ''}${(m[3] ?? '').padEnd(exp, '0')}`);
  return m[1] ? -v : v;
}
