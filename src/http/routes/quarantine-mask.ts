import { MASK, maskPii, PII_KEY } from '../../mapping/redact.js';
import { parseJsonSafe } from '../../util/json.js';

/** Bounds the walk like the error-message masking does: a hostile payload costs no more than this. */
const MAX_NODES = 20_000;

/** Every value under a PII-looking key replaced, however short (a two-character Chinese name too). */
function maskTree(v: unknown, pii: boolean, budget: { left: number }): unknown {
  if (--budget.left < 0) return MASK;
  if (Array.isArray(v)) return v.map((x) => maskTree(x, pii, budget));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskTree(x, pii || PII_KEY.test(k), budget)]));
  return pii && v !== null && v !== '' ? MASK : v;
}

/**
 * A kept payload as the console shows it to whoever may list the quarantine: every value under a
 * PII-looking key masked (the rule mapping error messages use), and those values masked again
 * wherever else they appear (a note quoting a phone). Pretty-printed. The raw bytes stay behind
 * /raw for quarantine.rawBodyRoles.
 */
export function maskedPayload(rawBody: string): string {
  let parsed: unknown;
  try {
    parsed = parseJsonSafe(rawBody);
  } catch {
    // Not JSON: nothing tells which values are PII, so nothing of it is shown.
    return `(not JSON, ${Buffer.byteLength(rawBody)} bytes; only quarantine.rawBodyRoles may read it)`;
  }
  return maskPii(JSON.stringify(maskTree(parsed, false, { left: MAX_NODES }), null, 2), parsed);
}
