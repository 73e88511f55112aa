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

export function validateCanonical(engine: MappingEngine, mappingId: string, out: unknown, ctx: InboundContext): CanonicalOrder {
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
