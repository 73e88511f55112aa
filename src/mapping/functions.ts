/**
 * The function library every mapping may call. Kept small and documented in mappings/README.md;
 * each function is pure, throws a MappingFunctionError with a clear message on bad input, and
 * never uses floating point for money.
 */

export class MappingFunctionError extends Error {
  constructor(fn: string, message: string) {
    super(`$${fn}: ${message}`);
    this.name = 'MappingFunctionError';
  }
}

/** Minor-unit exponent per currency; ISO-4217. Unlisted currencies use 2. */
const EXPONENT: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, HUF: 2, BHD: 3, KWD: 3, JOD: 3, OMR: 3, TND: 3 };

export function currencyExponent(currency: string): number {
  return EXPONENT[currency] ?? 2;
}

/**
 * "323.58" (or 323.58, or "1,299.00") -> 32358 for a 2-decimal currency. Parses the decimal text
 * digit by digit; a value with more decimals than the currency allows is an error, not a rounding.
 */
export function toMinor(value: unknown, currency = 'CNY'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MappingFunctionError('toMinor', `not a finite number: ${value}`);
    text = String(value);
  } else if (typeof value === 'string') text = value.trim().replace(/,/g, '');
  else throw new MappingFunctionError('toMinor', `expected a decimal string or number, got ${typeof value}`);
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new MappingFunctionError('toMinor', `not a decimal amount: "${text}"`);
  const exp = currencyExponent(currency);
  let frac = m[3] ?? '';
  // Trailing zeros beyond the exponent are harmless ("12.500" CNY); other digits are not.
  if (frac.length > exp) {
    const extra = frac.slice(exp);
    if (!/^0+$/.test(extra)) throw new MappingFunctionError('toMinor', `"${text}" has more decimals than ${currency} allows`);
    frac = frac.slice(0, exp);
  }
  const minor = Number((m[2] ?? '0') + frac.padEnd(exp, '0'));
  if (!Number.isSafeInteger(minor)) throw new MappingFunctionError('toMinor', `amount out of range: "${text}"`);
  return m[1] ? -minor : minor;
}

/** A money object from a decimal amount. */
export function money(value: unknown, currency = 'CNY'): { minor: number; currency: string } | undefined {
  const minor = toMinor(value, currency);
  return minor === undefined ? undefined : { minor, currency };
}

/** A money object from an integer already in minor units (Douyin fen). */
export function minorMoney(value: unknown, currency = 'CNY'): { minor: number; currency: string } | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new MappingFunctionError('minorMoney', `expected an integer amount in minor units, got ${JSON.stringify(value)}`);
  return { minor: n, currency };
}

/** "2026-11-11 00:00:05" in GMT+8 (TOP, JD, PDD, Youzan) -> "2026-11-11T00:00:05+08:00". */
export function gmt8ToIso(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new MappingFunctionError('gmt8ToIso', `expected "yyyy-MM-dd HH:mm:ss", got ${typeof value}`);
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) throw new MappingFunctionError('gmt8ToIso', `expected "yyyy-MM-dd HH:mm:ss", got "${value}"`);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`;
  if (Number.isNaN(Date.parse(iso))) throw new MappingFunctionError('gmt8ToIso', `not a real date: "${value}"`);
  return iso;
}

/** Epoch seconds (Douyin, PDD windows) -> ISO-8601 in GMT+8, the sellers' local time. */
export function epochToIso(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '' || value === 0 || value === '0') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new MappingFunctionError('epochToIso', `expected epoch seconds, got ${JSON.stringify(value)}`);
  const d = new Date(n * 1000 + 8 * 3600 * 1000);
  return d.toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** Normalises an ISO time with offset (Shopify, Amazon); rejects one without an offset. */
export function isoTime(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new MappingFunctionError('isoTime', `expected ISO-8601 with an offset, got ${JSON.stringify(value)}`);
  }
  return value;
}

const MUNICIPALITIES = ['北京', '上海', '天津', '重庆'];

/** Trims and drops placeholder values platforms send for "none". */
function clean(v: unknown): string | null {
  if (typeof v !== 'string') return v === undefined || v === null ? null : String(v);
  const t = v.trim();
  return t === '' || t === '无' || t === 'null' ? null : t;
}

/**
 * Normalises province/city/district the way Chinese platforms actually send them:
 * municipalities come as "北京", "北京市" or with city "市辖区"/"县"; county-level units directly
 * under a province come with an empty city. Returns {province, city, district} with the
 * municipality spelled "北京市" as both province and city.
 */
export function normalizeRegion(province: unknown, city: unknown, district: unknown): { province: string | null; city: string | null; district: string | null } {
  let p = clean(province);
  let c = clean(city);
  const d = clean(district);
  const muni = p ? MUNICIPALITIES.find((m) => p === m || p === `${m}市`) : undefined;
  if (muni) {
    p = `${muni}市`;
    if (!c || c === '市辖区' || c === '县' || c === muni || c === `${muni}市`) c = `${muni}市`;
  }
  if (c === '市辖区' || c === '省直辖县级行政区划' || c === '自治区直辖县级行政区划') c = null;
  return { province: p, city: c, district: d };
}

/**
 * Taobao's receiver_address may repeat province, city and district in front of the detail:
 * strip them so the detail holds only what is below the street.
 */
export function stripRegionPrefix(detail: unknown, ...parts: unknown[]): string | null {
  let s = clean(detail);
  if (!s) return null;
  for (const part of parts) {
    const p = clean(part);
    if (p && s.startsWith(p)) s = s.slice(p.length).trimStart();
  }
  return s || null;
}

/** Wraps a platform value as PII: ciphertext if it looks encrypted, otherwise what was given. */
export function pii(ciphertext: unknown, masked: unknown, plaintext?: unknown): { ciphertext?: string; masked?: string; plaintext?: string } | null {
  const out: { ciphertext?: string; masked?: string; plaintext?: string } = {};
  const c = clean(ciphertext);
  const m = clean(masked);
  const p = clean(plaintext);
  if (c) out.ciphertext = c;
  if (m) out.masked = m;
  if (p) out.plaintext = p;
  return Object.keys(out).length ? out : null;
}

/** True for the ciphertext shapes PDD, Douyin and Youzan use (`~..~0~`, `$..$0$`, `##..#1##`, `$$..$1$$`). */
export function isCiphertext(value: unknown): boolean {
  return typeof value === 'string' && /^(~.+~\d+~|\$.+\$\d+\$|#{1,2}.+#\d+#{1,2}|\${2}.+\$\d+\${2})$/.test(value);
}

/**
 * Spreads an amount over weights in integer minor units (largest remainder), so the parts always
 * add up exactly to the total. Used to allocate an order discount over lines.
 */
export function allocate(total: unknown, weights: unknown): number[] {
  if (typeof total !== 'number' || !Number.isSafeInteger(total)) throw new MappingFunctionError('allocate', `total must be an integer, got ${JSON.stringify(total)}`);
  const ws = Array.isArray(weights) ? weights : [weights];
  if (!ws.every((w): w is number => typeof w === 'number' && Number.isFinite(w) && w >= 0)) throw new MappingFunctionError('allocate', 'weights must be non-negative numbers');
  const sum = ws.reduce((a, b) => a + b, 0);
  if (ws.length === 0) return [];
  if (sum === 0) {
    const base = ws.map(() => 0);
    base[0] = total;
    return base;
  }
  const raw = ws.map((w) => (total * w) / sum);
  const floors = raw.map((r) => Math.floor(r));
  let rest = total - floors.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) {
    const idx = order[k]?.i ?? 0;
    floors[idx] = (floors[idx] ?? 0) + 1;
  }
  return floors;
}

/** Coerces an id (possibly a number) to a string; refuses numbers that already lost precision. */
export function idString(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new MappingFunctionError('idString', `id ${value} is beyond 2^53 and was already rounded: use the platform's string id (e.g. tid_str)`);
    return String(value);
  }
  throw new MappingFunctionError('idString', `expected a string or integer id, got ${typeof value}`);
}
