/**
 * The function library every mapping may call. Kept small and documented in mappings/README.md;
 * each function is pure, throws a MappingFunctionError with a clear message on bad input, and
 * never uses floating point for money.
 */
import { jsonErrorPosition, nestingExceeds, parseJsonSafe } from '../util/json.js';

export class MappingFunctionError extends Error {
  constructor(fn: string, message: string) {
    super(`$${fn}: ${message}`);
    this.name = 'MappingFunctionError';
  }
}

/** Caps of $parseJson: a JSON text field is a few kilobytes; anything near these is an attack. */
export const PARSE_JSON_LIMITS = { maxChars: 1024 * 1024, maxDepth: 64 } as const;

/**
 * Parses a JSON text field of a payload (ERP `lines_json`, Youzan `address_extra`): data is
 * parsed, never evaluated, so a payload cannot run code in the hub (JSONata's `$eval` would, and
 * a field holding a catastrophic regex froze the event loop). Integers beyond 2^53 stay exact as
 * strings, as in the intake's reader. `name` labels the field in errors; messages never quote the
 * text, which may hold buyer data. An already-parsed object or array passes through.
 */
export function parseJson(value: unknown, name = 'value'): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object') return value;
  if (typeof value !== 'string') throw new MappingFunctionError('parseJson', `${name}: expected JSON text, got ${typeof value}`);
  if (value.length > PARSE_JSON_LIMITS.maxChars) throw new MappingFunctionError('parseJson', `${name}: longer than the ${PARSE_JSON_LIMITS.maxChars}-character limit`);
  if (nestingExceeds(value, PARSE_JSON_LIMITS.maxDepth)) throw new MappingFunctionError('parseJson', `${name}: nested deeper than ${PARSE_JSON_LIMITS.maxDepth} levels`);
  try {
    return parseJsonSafe(value);
  } catch (err) {
    const at = jsonErrorPosition(err);
    throw new MappingFunctionError('parseJson', `${name}: not valid JSON text${at === undefined ? '' : ` (at character ${at})`}`);
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
  // "-0.00" is zero: a negative zero would survive into comparisons and print oddly.
  return m[1] && minor !== 0 ? -minor : minor;
}

/** A money object from a decimal amount. */
export function money(value: unknown, currency = 'CNY'): { minor: number; currency: string } | undefined {
  const minor = toMinor(value, currency);
  return minor === undefined ? undefined : { minor, currency };
}

/** A money object from an integer already in minor units (Douyin fen). */
export function minorMoney(value: unknown, currency = 'CNY'): { minor: number; currency: string } | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  // Number(" ") is 0 and Number("0x10") is 16: only plain integer text is an amount.
  const n = typeof value === 'string' ? (/^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new MappingFunctionError('minorMoney', `expected an integer amount in minor units, got ${JSON.stringify(value)}`);
  return { minor: n === 0 ? 0 : n, currency };
}

/** "2026-11-11 00:00:05" in GMT+8 (TOP, JD, PDD, Youzan) -> "2026-11-11T00:00:05+08:00". */
export function gmt8ToIso(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new MappingFunctionError('gmt8ToIso', `expected "yyyy-MM-dd HH:mm:ss", got ${typeof value}`);
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) throw new MappingFunctionError('gmt8ToIso', `expected "yyyy-MM-dd HH:mm:ss", got "${value}"`);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`;
  // Date.parse accepts "02-30" and "24:00" by rolling over; compare the fields back instead.
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  const t = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, sec ?? 0));
  const same = t.getUTCFullYear() === y && t.getUTCMonth() + 1 === mo && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === sec;
  if (!same) throw new MappingFunctionError('gmt8ToIso', `not a real date: "${value}"`);
  return iso;
}

/** Epoch seconds (Douyin, PDD windows) -> ISO-8601 in GMT+8, the sellers' local time. */
export function epochToIso(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '' || value === 0 || value === '0') return undefined;
  const n = typeof value === 'string' ? (/^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new MappingFunctionError('epochToIso', `expected epoch seconds, got ${JSON.stringify(value)}`);
  // 1e11 s is the year 5138: anything larger is milliseconds passed by mistake, not a date.
  if (n >= 1e11) throw new MappingFunctionError('epochToIso', `${n} looks like epoch milliseconds; expected seconds`);
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

/**
 * JD, PDD and others send short province names ("广东", "广西"); Taobao and GB/T 2260 use the
 * full name. One spelling per province lets addresses from every platform match the same
 * division data and dedupe by region.
 */
const PROVINCE_FULL: Readonly<Record<string, string>> = {
  河北: '河北省', 山西: '山西省', 辽宁: '辽宁省', 吉林: '吉林省', 黑龙江: '黑龙江省', 江苏: '江苏省', 浙江: '浙江省',
  安徽: '安徽省', 福建: '福建省', 江西: '江西省', 山东: '山东省', 河南: '河南省', 湖北: '湖北省', 湖南: '湖南省',
  广东: '广东省', 海南: '海南省', 四川: '四川省', 贵州: '贵州省', 云南: '云南省', 陕西: '陕西省', 甘肃: '甘肃省',
  青海: '青海省', 台湾: '台湾省', 内蒙古: '内蒙古自治区', 广西: '广西壮族自治区', 西藏: '西藏自治区',
  宁夏: '宁夏回族自治区', 新疆: '新疆维吾尔自治区', 香港: '香港特别行政区', 澳门: '澳门特别行政区',
};

/** Trims and drops placeholder values platforms send for "none". */
function clean(v: unknown): string | null {
  // Only text and numbers name a place: String([]) is '' (every detail starts with it, so the
  // prefix stripper looped forever on a hostile array) and String({}) is '[object Object]'.
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' || t === '无' || t === 'null' ? null : t;
}

/**
 * Normalises province/city/district the way Chinese platforms actually send them:
 * municipalities come as "北京", "北京市" or with city "市辖区"/"县"; county-level units directly
 * under a province come with an empty city. Returns {province, city, district} with the
 * municipality spelled "北京市" as both province and city, and short province names ("广东")
 * spelled in full ("广东省").
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
  if (p && Object.prototype.hasOwnProperty.call(PROVINCE_FULL, p)) p = PROVINCE_FULL[p] ?? p;
  if (c === '市辖区' || c === '省直辖县级行政区划' || c === '自治区直辖县级行政区划') c = null;
  return { province: p, city: c, district: d };
}

/**
 * Taobao's receiver_address (and JD's fullAddress) may repeat province, city, district and street
 * in front of the detail, sometimes twice ("北京 北京市 朝阳区 ..."), sometimes in a shorter or
 * longer spelling than the structured fields ("北京" vs "北京市"). Strips, as long as one
 * matches, the longest given part the text starts with, so the detail holds only what is below
 * the street. Pass both the raw and the normalised region names.
 */
export function stripRegionPrefix(detail: unknown, ...parts: unknown[]): string | null {
  let s = clean(detail);
  if (!s) return null;
  // Longest first, so "北京市..." loses "北京市" rather than "北京" (which would leave "市...").
  const ps = parts.flatMap((p) => (Array.isArray(p) ? p : [p])).map(clean).filter((p): p is string => p !== null && p !== '').sort((x, y) => y.length - x.length);
  for (let hit = true; hit && s; ) {
    const cur: string = s;
    const p = ps.find((x) => cur.startsWith(x));
    hit = p !== undefined;
    if (p !== undefined) s = cur.slice(p.length).trimStart();
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

/**
 * Wraps one platform value whose form is not labelled (Taobao/JD receiver fields): ciphertext if it
 * has a known ciphertext shape, masked if it contains "*", otherwise plaintext.
 */
export function piiOf(value: unknown): { ciphertext?: string; masked?: string; plaintext?: string } | null {
  const v = clean(value);
  if (!v) return null;
  if (isCiphertext(v)) return { ciphertext: v };
  if (v.includes('*')) return { masked: v };
  return { plaintext: v };
}

/** True for the ciphertext shapes PDD, Douyin and Youzan use (`~..~0~`, `$..$0$`, `##..#1##`, `$$..$1$$`). */
export function isCiphertext(value: unknown): boolean {
  return typeof value === 'string' && /^(~.+~\d+~|\$.+\$\d+\$|#{1,2}.+#\d+#{1,2}|\${2}.+\$\d+\${2})$/.test(value);
}

/**
 * Spreads an amount over weights in integer minor units (largest remainder), so the parts always
 * add up exactly to the total. Used to allocate an order discount over lines, weighted by line
 * totals. Weights are integers (minor units or quantities); the arithmetic is BigInt so large
 * totals times large weights never lose precision. Ties go to the earlier weight; a zero weight
 * gets nothing unless every weight is zero (then the first takes all).
 */
export function allocate(total: unknown, weights: unknown): number[] {
  if (typeof total !== 'number' || !Number.isSafeInteger(total)) throw new MappingFunctionError('allocate', `total must be an integer, got ${JSON.stringify(total)}`);
  // JSONata collapses a one-item sequence to its item: accept a bare number as one weight.
  const ws: unknown[] = Array.isArray(weights) ? weights : weights === undefined ? [] : [weights];
  if (!ws.every((w): w is number => typeof w === 'number' && Number.isSafeInteger(w) && w >= 0)) {
    throw new MappingFunctionError('allocate', `weights must be non-negative integers, got ${JSON.stringify(weights)}`);
  }
  if (ws.length === 0) {
    if (total !== 0) throw new MappingFunctionError('allocate', `cannot spread ${total} over no weights`);
    return [];
  }
  const sum = ws.reduce((a, b) => a + BigInt(b), 0n);
  if (sum === 0n) return ws.map((_w, i) => (i === 0 ? total : 0));
  // Work on the magnitude so floor division and remainders behave the same for refunds (< 0).
  const sign = total < 0 ? -1n : 1n;
  const abs = BigInt(total) * sign;
  const parts = ws.map((w) => (abs * BigInt(w)) / sum);
  const rems = ws.map((w, i) => ({ i, rem: (abs * BigInt(w)) % sum }));
  let rest = abs - parts.reduce((a, b) => a + b, 0n);
  rems.sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  // rest < number of weights with a non-zero remainder, so one pass is enough.
  for (const { i } of rems) {
    if (rest === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    rest -= 1n;
  }
  return parts.map((p) => {
    const v = Number(p * sign);
    return v === 0 ? 0 : v;
  });
}

/**
 * Each line's share of an order discount when the platform gives some lines their own figure:
 * `given[i]` (an integer, the platform's own discount for line i, e.g. price x num minus Taobao
 * `divide_order_fee`) is kept as it is, and only what is left of the order discount is spread
 * over the lines without one (null), by their totals, with `allocate`. The platform's figures are
 * never adjusted: when every line has one and they disagree with the order, the canonical
 * validation rejects the order (quarantine) instead of rounding it into agreement. A remainder
 * below zero (the lines' own figures already take more than the order discount) is an error.
 */
export function splitDiscount(discount: unknown, totals: unknown, given: unknown): number[] {
  const fn = 'splitDiscount';
  if (typeof discount !== 'number' || !Number.isSafeInteger(discount)) throw new MappingFunctionError(fn, `discount must be an integer, got ${JSON.stringify(discount)}`);
  // JSONata collapses a one-item sequence to its item.
  const seq = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  const ts = seq(totals);
  const gs = seq(given);
  if (ts.length !== gs.length) throw new MappingFunctionError(fn, `${ts.length} line totals but ${gs.length} given figures`);
  if (!gs.every((g) => g === null || (typeof g === 'number' && Number.isSafeInteger(g)))) {
    throw new MappingFunctionError(fn, `given figures must be integers or null, got ${JSON.stringify(given)}`);
  }
  const open = gs.flatMap((g, i) => (g === null ? [i] : []));
  if (open.length === 0) return gs.map((g) => Number(g));
  const rest = gs.reduce<number>((left, g) => (g === null ? left : left - Number(g)), discount);
  if (rest < 0) throw new MappingFunctionError(fn, `the lines' own figures take ${discount - rest} of an order discount of ${discount}, leaving ${rest} for the lines without one`);
  const shares = allocate(
    rest,
    open.map((i) => ts[i]),
  );
  const out = gs.map((g) => (g === null ? 0 : Number(g)));
  open.forEach((lineIndex, k) => {
    out[lineIndex] = shares[k] ?? 0;
  });
  return out;
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

/**
 * The value under `key` in an object built once by the mapping (e.g. a grouping such as
 * `refunds.refund_line_items{$string(line_item_id): $sum(quantity)}`), or `fallback` when the key
 * is absent. A hash lookup: JSONata has no path step with a computed key, its built-in `$lookup` is
 * replaced by the table `$lookup`, and filtering (`$xs[id = $k]`) scans, so per-line lookups
 * through a filter make line mapping quadratic. Own properties only; keys are compared as strings
 * (an integer key must be safe, as with $idString).
 */
export function get(object: unknown, key: unknown, fallback?: unknown): unknown {
  if (object === undefined || object === null) return fallback;
  if (typeof object !== 'object' || Array.isArray(object)) throw new MappingFunctionError('get', `expected an object, got ${Array.isArray(object) ? 'an array' : typeof object}`);
  if (key === undefined || key === null) return fallback;
  let k: string;
  if (typeof key === 'string') k = key;
  else if (typeof key === 'number' && Number.isSafeInteger(key)) k = String(key);
  else throw new MappingFunctionError('get', `key must be a string or a safe integer, got ${typeof key === 'number' ? String(key) : typeof key}`);
  return Object.prototype.hasOwnProperty.call(object, k) ? (object as Record<string, unknown>)[k] : fallback;
}

/**
 * Counts (or sums) per key in one pass: `$tally(keys)` = {key: occurrences}, `$tally(keys, amounts)`
 * = {key: sum of the amounts at the same positions}. Read the result with `$get`. For per-line
 * facts about other lines (does this sku repeat? how much of this line was refunded?) without a
 * per-line scan, and without a JSONata grouping `xs{key: $count(..)}`, which evaluates every group
 * at once and hits the stack depth limit at about 250 distinct keys. Keys are strings or safe
 * integers (compared as strings); amounts are safe integers; a length mismatch is an error (the
 * pairing would be wrong). Absent keys (`undefined` means an empty list) give `{}`.
 */
export function tally(keys: unknown, amounts?: unknown): Record<string, number> {
  // JSONata collapses a one-item sequence to its item: accept a bare key / amount as a list of one.
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  const ks = list(keys);
  const as = amounts === undefined ? undefined : list(amounts);
  if (as && as.length !== ks.length) throw new MappingFunctionError('tally', `${ks.length} keys but ${as.length} amounts`);
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  ks.forEach((key, i) => {
    let k: string;
    if (typeof key === 'string') k = key;
    else if (typeof key === 'number' && Number.isSafeInteger(key)) k = String(key);
    else throw new MappingFunctionError('tally', `keys must be strings or safe integers, got ${JSON.stringify(key)}`);
    const a = as ? as[i] : 1;
    if (typeof a !== 'number' || !Number.isSafeInteger(a)) throw new MappingFunctionError('tally', `amounts must be integers, got ${JSON.stringify(a)}`);
    const sum = (out[k] ?? 0) + a;
    if (!Number.isSafeInteger(sum)) throw new MappingFunctionError('tally', `the sum for "${k}" is beyond 2^53`);
    out[k] = sum;
  });
  return out;
}
