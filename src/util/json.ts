/**
 * JSON.parse that keeps integers beyond 2^53 exact by turning them into strings.
 *
 * Taobao `tid`/`oid` and some JD ids exceed Number.MAX_SAFE_INTEGER; a plain JSON.parse would
 * silently round them (and a rounded order id ships the wrong parcel). Node 20 has no
 * source-text reviver, so unsafe integer literals outside strings are quoted before parsing.
 */
export function parseJsonSafe(text: string): unknown {
  // V8 parses any depth, but a 10^5-deep body held the event loop 60-180 ms; the scan stops at
  // the limit, so refusing it costs a few hundred characters.
  if (nestingExceeds(text, MAX_JSON_DEPTH)) throw new SyntaxError(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
  return JSON.parse(quoteUnsafeIntegers(text));
}

/** Deepest JSON nesting the hub reads; an order from any platform nests about a dozen levels. */
export const MAX_JSON_DEPTH = 256;

const DIGIT_0 = 48;
const DIGIT_9 = 57;

export function quoteUnsafeIntegers(text: string): string {
  let out: string[] | null = null;
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // skip string literal
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 45 /* - */ || (c >= DIGIT_0 && c <= DIGIT_9)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= DIGIT_0 && d <= DIGIT_9) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) i++;
        else break;
      }
      const tok = text.slice(start, i);
      // Only plain integers with 16+ digits can be unsafe; decimals/exponents are left alone.
      if (/^-?\d{16,}$/.test(tok) && !Number.isSafeInteger(Number(tok))) {
        out ??= [];
        out.push(text.slice(last, start), `"${tok}"`);
        last = i;
      }
      continue;
    }
    i++;
  }
  if (!out) return text;
  out.push(text.slice(last));
  return out.join('');
}

/**
 * The deepest bracket nesting of JSON text (brackets inside strings do not count), scanning only
 * until `limit` is passed: a hostile text of a million `[` costs one pass, not a deep parse.
 */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/**
 * Whether a parsed value nests deeper than `limit` (objects and arrays). Iterative, so the check
 * itself cannot overflow the stack it protects; stops at the first path past the limit.
 */
export function valueNestingExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [v, depth] = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > limit) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (typeof x === 'object' && x !== null) stack.push([x, depth + 1]);
  }
  return false;
}

/**
 * Where JSON.parse stopped, without its message: V8's message quotes the text around the error,
 * and that text may be a buyer's phone number.
 */
export function jsonErrorPosition(err: unknown): number | undefined {
  const m = err instanceof Error ? /at position (\d+)/.exec(err.message) : null;
  return m ? Number(m[1]) : undefined;
}
