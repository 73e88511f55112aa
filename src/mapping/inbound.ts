import { CanonicalOrder } from '../canonical/order.js';
import { formatPath } from '../config/load.js';
import { MappingError, parseMappingId, type MappingEngine, type MappingLane } from './engine.js';

export interface InboundContext {
  platform: string;
  channel: string;
  shop: string;
  currency: string;
  receivedAt: string;
  rawRef?: string | null;
}

/**
 * Maps a platform payload to a canonical order and validates it. A schema failure names the
 * JSON path in the output and the mapping file, so a platform engineer can fix the right line.
 */
export async function mapInboundOrder(engine: MappingEngine, mappingId: string, payload: unknown, ctx: InboundContext, opts: { lane?: MappingLane } = {}): Promise<CanonicalOrder> {
  const out = await engine.evaluate(mappingId, payload, { ...ctx }, opts);
  return validateCanonical(engine, mappingId, out, ctx);
}

const LINE_PAID_PATH = 'lines[].paid';

/**
 * The lines must pay exactly the order's paid amount for goods, goods - discount (what the buyer
 * paid less freight, and less tax where tax is charged on top). A mapping that takes each line's
 * paid amount from the platform can disagree with the order's total; that order is quarantined
 * for a person to look at, never rounded into agreement. Lines without a paid amount at all are
 * not compared; an order where only some lines have one is refused as well.
 */
function linePaidMismatch(o: CanonicalOrder): string | null {
  const paid = o.lines.map((l) => l.paid);
  const missing = paid.flatMap((p, i) => (p ? [] : [i]));
  if (missing.length === paid.length) return null;
  if (missing.length > 0) return `${missing.map((i) => `lines[${i}].paid`).join(', ')} missing while the other lines have one`;
  const sum = paid.reduce((acc, p) => acc + (p?.minor ?? 0), 0);
  const expected = o.totals.goods.minor - o.totals.discount.minor;
  if (sum === expected) return null;
  return `the lines' paid amounts sum to ${sum} ${o.currency} minor units, the order's paid amount for goods is ${expected} (totals.goods ${o.totals.goods.minor} - totals.discount ${o.totals.discount.minor}; totals.paid ${o.totals.paid.minor}, totals.freight ${o.totals.freight.minor})`;
}

/** The canonical schema plus the hub's money checks: what every inbound order must pass. */
export function validateCanonical(engine: MappingEngine, mappingId: string, out: unknown, ctx: InboundContext): CanonicalOrder {
  const order = parseCanonical(engine, mappingId, out, ctx);
  checkLinePaid(engine, mappingId, order);
  return order;
}

/** Throws a MappingError (E_LINE_PAID, issue path `lines[].paid`) when the lines do not add up to the order. */
export function checkLinePaid(engine: MappingEngine, mappingId: string, order: CanonicalOrder): void {
  const mismatch = linePaidMismatch(order);
  if (!mismatch) return;
  const ref = parseMappingId(mappingId);
  throw new MappingError(mappingId, ref ? engine.fileFor(ref) : undefined, 'E_LINE_PAID', `${LINE_PAID_PATH}: ${mismatch}`, undefined, [{ path: LINE_PAID_PATH, message: mismatch }]);
}

/** Stamps provenance and validates the canonical schema only (no cross-field money checks). */
export function parseCanonical(engine: MappingEngine, mappingId: string, out: unknown, ctx: InboundContext): CanonicalOrder {
  const ref = parseMappingId(mappingId);
  const file = ref ? engine.fileFor(ref) : undefined;
  if (out === undefined || out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw new MappingError(mappingId, file, 'E_OUTPUT', `mapping produced ${Array.isArray(out) ? 'an array' : String(out)}, expected an order object`);
  }
  // The hub, not the mapping, owns provenance: stamp it so every order records what made it.
  const withSource = {
    ...out,
    source: {
      ...('source' in out && typeof out.source === 'object' && out.source !== null ? out.source : {}),
      channel: ctx.channel,
      shop: ctx.shop,
      receivedAt: ctx.receivedAt,
      ...(ctx.rawRef ? { rawRef: ctx.rawRef } : {}),
      ...(ref ? { mapping: { id: `${ref.adapter}/${ref.name}`, version: ref.version } } : {}),
    },
  };
  const r = CanonicalOrder.safeParse(withSource);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const first = issues[0];
  const summary = first ? `${first.path}: ${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ''}` : 'invalid';
  throw new MappingError(mappingId, file, 'E_SCHEMA', `output fails the canonical order schema: ${summary}`, undefined, issues);
}
