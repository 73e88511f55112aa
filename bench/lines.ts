/**
 * Finds the order-line array in a platform payload and builds bigger orders from it, without
 * knowing the platform: mappings for new platforms land all the time, so the bench must not
 * carry a list of them. Known line keys are preferred (a one-line fixture may have a shipping
 * array just as long); otherwise the largest array of objects wins.
 */

/** Line arrays of the platforms we know (Shopify, Taobao orders.order, JD, PDD, Douyin, Youzan, Amazon, legacy ERP). */
const KNOWN_LINE_KEYS = new Set(['line_items', 'order', 'itemInfoList', 'item_list', 'sku_order_list', 'orders', 'items', 'lines', 'lines_json', 'OrderItems', 'order_items']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface LineArray {
  /** Property path from the root, e.g. ['orders', 'order']. */
  path: (string | number)[];
  /** 'json-string' when the lines travel as JSON text inside a string field (legacy ERP lines_json). */
  kind: 'array' | 'json-string';
  lines: Json[];
}

function isObject(v: unknown): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayOfObjects(v: unknown): v is { [k: string]: Json }[] {
  return Array.isArray(v) && v.length > 0 && v.every(isObject);
}

function embeddedLines(s: string): Json[] | null {
  const t = s.trimStart();
  if (!t.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(s);
    return arrayOfObjects(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function findLineArray(payload: unknown): LineArray | null {
  const found: (LineArray & { known: boolean })[] = [];
  const walk = (v: unknown, at: (string | number)[], key: string, depth: number) => {
    if (depth > 8) return;
    if (typeof v === 'string') {
      const lines = embeddedLines(v);
      if (lines) found.push({ path: at, kind: 'json-string', lines, known: KNOWN_LINE_KEYS.has(key) });
      return;
    }
    if (Array.isArray(v)) {
      if (arrayOfObjects(v)) found.push({ path: at, kind: 'array', lines: v, known: KNOWN_LINE_KEYS.has(key) });
      v.forEach((x, i) => walk(x, [...at, i], key, depth + 1));
      return;
    }
    if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, [...at, k], k, depth + 1);
  };
  walk(payload, [], '', 0);
  // Known keys first, then more lines, then the shallower path (the order's lines, not a line's sub-list).
  found.sort((a, b) => Number(b.known) - Number(a.known) || b.lines.length - a.lines.length || a.path.length - b.path.length);
  const best = found[0];
  return best ? { path: best.path, kind: best.kind, lines: best.lines } : null;
}

// Id-like keys, including string twins of big ids (Taobao oid/oid_str, tid_str).
const ID_KEY = /(^id|_id|Id|ID|^oid|^tid)(_str)?$/;

// Copies move their ids by a large step: fixture line ids are often consecutive (…001, …002),
// so "+1 per copy" would collide with the next original line.
const ID_STEP = 1_000_003;

/** A copy of a line whose id-like fields differ for copy number `copy` (>= 1); digit strings stay digit strings. */
function withDistinctIds(line: Json, copy: number): Json {
  if (!isObject(line)) return line;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(line)) {
    if (!ID_KEY.test(k)) out[k] = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v + copy * ID_STEP)) out[k] = v + copy * ID_STEP;
    else if (typeof v === 'string' && /^\d+$/.test(v)) out[k] = (BigInt(v) + BigInt(copy * ID_STEP)).toString().padStart(v.length, '0');
    else if (typeof v === 'string') out[k] = `${v}-${copy}`;
    else out[k] = v;
  }
  return out;
}

/**
 * The payload with `count` lines: the fixture's lines repeated in order. With distinctIds, every
 * repetition after the first shifts its id-like fields so line ids stay unique.
 */
export function withLineCount(payload: unknown, where: LineArray, count: number, distinctIds: boolean): unknown {
  const root: unknown = structuredClone(payload);
  const lines: Json[] = [];
  for (let i = 0; i < count; i++) {
    const src = where.lines[i % where.lines.length];
    if (src === undefined) break;
    const copy = Math.floor(i / where.lines.length);
    lines.push(distinctIds && copy > 0 ? withDistinctIds(structuredClone(src), copy) : structuredClone(src));
  }
  const value: Json = where.kind === 'array' ? lines : JSON.stringify(lines);
  if (where.path.length === 0) return value;
  let parent: unknown = root;
  for (const seg of where.path.slice(0, -1)) {
    if (Array.isArray(parent) && typeof seg === 'number') parent = parent[seg];
    else if (isObject(parent) && typeof seg === 'string') parent = parent[seg];
    else throw new Error(`line array path ${where.path.join('.')} does not resolve`);
  }
  const last = where.path[where.path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = value;
  else if (isObject(parent) && typeof last === 'string') parent[last] = value;
  else throw new Error(`line array path ${where.path.join('.')} does not resolve`);
  return root;
}
