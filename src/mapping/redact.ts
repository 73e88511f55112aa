/**
 * JSONata and the function library quote the value they failed on ("Unable to cast value to a
 * number: ..."), and that value may be a buyer's phone or name. Error messages go into HTTP
 * answers, the quarantine index and log lines, so every payload value under a PII-looking key
 * is masked wherever it appears in a message. Over-masking a product name is the safe failure.
 */
// The Chinese words are the column names of ERP exports (收货人, 联系电话, 详细地址...).
export const PII_KEY = /name|phone|mobile|tel|addr|receiver|recipient|consignee|email|nick|contact|postal|zip|buyer|idcard|id_card|identity|收货|收件|电话|手机|地址|姓名|买家|联系|身份证/i;
export const MASK = '***';
/** Bounds the walk: a hostile payload of a million keys costs no more than this many visits. */
const MAX_NODES = 20_000;
/** Shorter values ("CN", "1") would mask harmless text everywhere. */
const MIN_LENGTH = 3;
/** Han characters: a two-character value is a whole Chinese name (刘洋), so it is masked too. */
const HAN = /\p{Script=Han}/u;
const HAN_MIN_LENGTH = 2;

export function piiValues(payload: unknown): string[] {
  const out = new Set<string>();
  let visits = 0;
  const walk = (v: unknown, pii: boolean): void => {
    if (++visits > MAX_NODES) return;
    if (typeof v === 'string' || typeof v === 'number') {
      const s = String(v);
      if (pii && (s.length >= MIN_LENGTH || (s.length >= HAN_MIN_LENGTH && HAN.test(s)))) out.add(s);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, pii);
      return;
    }
    for (const [k, x] of Object.entries(v)) walk(x, pii || PII_KEY.test(k));
  };
  walk(payload, false);
  // Longest first, so a value containing another is masked whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export function maskPii(message: string, payload: unknown): string {
  let m = message;
  for (const v of piiValues(payload)) if (m.includes(v)) m = m.split(v).join(MASK);
  return m;
}
