import type { CanonicalOrder } from '../canonical/order.js';
import { MappingError, type MappingEngine } from '../mapping/engine.js';
import { validateCanonical, type InboundContext } from '../mapping/inbound.js';
import { errorMessage } from '../util/errors.js';

/** One order's rows, as consecutive source rows (one per goods line, or a single row). */
export interface RowGroup {
  /** Source row numbers, in file order. */
  rows: number[];
  values: Record<string, unknown>[];
}

/** Why a row was not imported: the source row, the field (a column or a canonical path) and the reason. */
export interface Rejection {
  row: number;
  field: string;
  reason: string;
}

export interface ImportContext {
  channel: string;
  currency: string;
  receivedAt: string;
  /** Column -> value for missing or empty cells (config import.defaults). */
  defaults: Readonly<Record<string, string | number>>;
}

/** Fills each default into the cells that are missing or blank. */
export function withDefaults(values: Record<string, unknown>, defaults: Readonly<Record<string, string | number>>): Record<string, unknown> {
  const out = { ...values };
  for (const [k, v] of Object.entries(defaults)) {
    const cur = out[k];
    if (cur === undefined || cur === null || (typeof cur === 'string' && cur.trim() === '')) out[k] = v;
  }
  return out;
}

/** "<column> (line N): reason" as the import mappings phrase their rejections. */
const FIELD_MESSAGE = /^(.{1,60}?)(?: \(line (\d+)\))?: (.+)$/s;

/** A mapping failure as a rejection: the column it names, the source row of the line it names. */
export function rejectionOf(err: unknown, group: RowGroup, mappingId: string): Rejection {
  const first = group.rows[0] ?? 0;
  if (!(err instanceof MappingError)) return { row: first, field: '', reason: errorMessage(err) };
  const issue = err.issues[0];
  if (issue) {
    // A canonical path: lines[i] is the group's i-th row.
    const line = /^lines\[(\d+)\]/.exec(issue.path);
    const row = line ? (group.rows[Number(line[1])] ?? first) : first;
    return { row, field: issue.path, reason: err.issues.length > 1 ? `${issue.message} (+${err.issues.length - 1} more)` : issue.message };
  }
  // The expression position helps whoever edits the mapping, not whoever fixes the row.
  const text = (err.message.startsWith(`${mappingId}: `) ? err.message.slice(mappingId.length + 2) : err.message).replace(/ \(at position \d+\)$/, '');
  const m = FIELD_MESSAGE.exec(text);
  const columns = new Set(group.values.flatMap((v) => Object.keys(v)));
  if (m?.[1] && m[3] && (columns.has(m[1]) || m[1] === '订单编号')) {
    const row = m[2] ? (group.rows[Number(m[2]) - 1] ?? first) : first;
    return { row, field: m[1], reason: m[3] };
  }
  return { row: first, field: '', reason: text };
}

/**
 * Maps one order's rows through an import mapping (input `{rows: [...]}`) and validates the
 * result like every inbound order. The shop is the mapping's `source.shop` when it gives one
 * (an export spans shops), else the channel.
 */
export async function mapRowGroup(engine: MappingEngine, mappingId: string, group: RowGroup, ctx: ImportContext): Promise<CanonicalOrder> {
  const rows = group.values.map((v) => withDefaults(v, ctx.defaults));
  const out = await engine.evaluate(mappingId, { rows }, { channel: ctx.channel, currency: ctx.currency, receivedAt: ctx.receivedAt });
  const src = typeof out === 'object' && out !== null && 'source' in out && typeof out.source === 'object' && out.source !== null ? out.source : {};
  const shop = 'shop' in src && typeof src.shop === 'string' && src.shop !== '' ? src.shop : ctx.channel;
  const platform = 'platform' in src && typeof src.platform === 'string' ? src.platform : 'erp';
  const inbound: InboundContext = { platform, channel: ctx.channel, shop, currency: ctx.currency, receivedAt: ctx.receivedAt };
  return validateCanonical(engine, mappingId, out, inbound);
}
