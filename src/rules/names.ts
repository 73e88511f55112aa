/**
 * Pure name comparison for Chinese administrative divisions, shared by the address matcher
 * (which has the GB/T 2260 data) and the rule evaluator (which must stay free of I/O).
 *
 * Platforms and people write the same division several ways: "广东" / "广东省",
 * "广西" / "广西壮族自治区", "恩施州" / "恩施土家族苗族自治州", "浦东" / "浦东新区". The official
 * name always starts with the short one, so after dropping the generic suffix we compare by
 * equality first and by prefix only when nothing is equal.
 */

/** Generic level suffixes, longest first so "自治区" wins over "区". */
const SUFFIX = /(特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|盟|区|县|旗|州)$/u;

/** Trims, drops inner whitespace (copy-pasted addresses carry full-width spaces) and the suffix. */
export function divisionStem(name: string): string {
  const compact = name.replace(/[\s\u3000]+/gu, '');
  const stem = compact.replace(SUFFIX, '');
  // "城区" (a real district in 长治, 晋城, 阳泉) would shrink to one character: keep it whole.
  return stem.length >= 2 ? stem : compact;
}

export function isBlank(name: string | null | undefined): name is null | undefined | '' {
  return name === null || name === undefined || name.replace(/[\s\u3000]+/gu, '') === '';
}

/**
 * The candidates a name refers to: exact name, else equal stems, else the candidates whose
 * official name starts with the given stem (at least two characters, so "广" never matches).
 * More than one result means the name is ambiguous at this level.
 */
export function findByName<T extends { name: string }>(name: string, candidates: readonly T[]): T[] {
  const compact = name.replace(/[\s\u3000]+/gu, '');
  const exact = candidates.filter((c) => c.name === compact);
  if (exact.length > 0) return exact;
  const stem = divisionStem(compact);
  const sameStem = candidates.filter((c) => divisionStem(c.name) === stem);
  if (sameStem.length > 0) return sameStem;
  if (stem.length < 2) return [];
  return candidates.filter((c) => c.name.startsWith(stem));
}

/** Level words that tell siblings apart: 和田市 and 和田县 are two different places. */
const LEVEL_WORD = new Set(['市', '县', '区', '旗']);

/**
 * Whether a config spelling names the same division as an official name. Stricter than
 * findByName, which can rely on uniqueness among real siblings; here there is only one candidate.
 */
export function sameDivisionName(given: string, official: string): boolean {
  const a = given.replace(/[\s\u3000]+/gu, '');
  const b = official.replace(/[\s\u3000]+/gu, '');
  if (a === b) return true;
  const [la, lb] = [a.slice(-1), b.slice(-1)];
  if (LEVEL_WORD.has(la) && LEVEL_WORD.has(lb) && la !== lb) return false;
  return findByName(a, [{ name: b }]).length === 1;
}
