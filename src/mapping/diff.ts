import type { CanonicalOrder } from '../canonical/order.js';
import { errorMessage } from '../util/errors.js';
import { parseJsonSafe } from '../util/json.js';
import { MAPPING_LANE, MappingError, type MappingEngine } from './engine.js';
import { mapInboundOrder } from './inbound.js';

/** A kept payload with the context it arrived in. */
export interface DiffPayload {
  id: string;
  receivedAt: string;
  channel: string;
  platform: string;
  shop: string;
  currency: string;
  body: string;
}

export interface FieldChange {
  /** Canonical path, array positions as [] (lines[].paid.minor). */
  path: string;
  /** Payloads in which it changed. */
  count: number;
  examples: { payloadId: string; before: unknown; after: unknown }[];
}

export interface DiffReport {
  from: string;
  to: string;
  payloads: number;
  identical: number;
  changed: number;
  bothFail: number;
  fields: FieldChange[];
  newlyFailing: { payloadId: string; channel: string; receivedAt: string; error: string }[];
  newlySucceeding: { payloadId: string; channel: string; receivedAt: string; error: string }[];
}

const MAX_EXAMPLES = 3;
/** Canonical paths that hold buyer data: examples show them masked. */
const PII_PATH = /^(recipient|buyer)\.|^address\.(detail|street|postalCode|raw)|\.(plaintext|ciphertext|masked)$/;

/** Leaf values by path; the mapping id and receipt time differ by construction and are left out. */
function leaves(v: unknown, at: string, out: Map<string, unknown>): Map<string, unknown> {
  if (at === 'source.mapping' || at === 'source.receivedAt') return out;
  if (Array.isArray(v)) {
    out.set(`${at}.length`, v.length);
    v.forEach((x, i) => leaves(x, `${at}[${i}]`, out));
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) leaves(x, at ? `${at}.${k}` : k, out);
  } else out.set(at, v === undefined ? null : v);
  return out;
}

function mask(path: string, v: unknown): unknown {
  if (!PII_PATH.test(path) || v === null || v === undefined) return v;
  const s = String(v);
  return s.length <= 2 ? '***' : `${s.slice(0, 1)}***${s.slice(-1)}`;
}

type Outcome = { ok: true; order: CanonicalOrder } | { ok: false; error: string };

async function outcome(engine: MappingEngine, id: string, payload: unknown, p: DiffPayload): Promise<Outcome> {
  try {
    const order = await mapInboundOrder(engine, id, payload, { platform: p.platform, channel: p.channel, shop: p.shop, currency: p.currency, receivedAt: p.receivedAt }, { lane: MAPPING_LANE.dryRun });
    return { ok: true, order };
  } catch (err) {
    // Only the payload's own failure counts; an overloaded or closing pool is the caller's to see.
    if (err instanceof MappingError) return { ok: false, error: err.message };
    throw err;
  }
}

/**
 * Runs two versions of a mapping over kept payloads (in the engine's dry-run lane, so intake's
 * lane is never waited on) and reports what the new one would change: identical outputs, which
 * canonical fields change and how often with masked examples, and payloads that newly fail or
 * newly succeed.
 */
export async function diffMappings(engine: MappingEngine, from: string, to: string, payloads: AsyncIterable<DiffPayload>, o: { concurrency?: number } = {}): Promise<DiffReport> {
  const r: DiffReport = { from, to, payloads: 0, identical: 0, changed: 0, bothFail: 0, fields: [], newlyFailing: [], newlySucceeding: [] };
  const fields = new Map<string, FieldChange>();
  const one = async (p: DiffPayload) => {
    let payload: unknown;
    try {
      payload = parseJsonSafe(p.body);
    } catch (err) {
      payload = { unreadable: errorMessage(err) };
    }
    const [a, b] = await Promise.all([outcome(engine, from, payload, p), outcome(engine, to, payload, p)]);
    r.payloads++;
    if (!a.ok && !b.ok) {
      r.bothFail++;
      return;
    }
    if (a.ok && !b.ok) {
      r.newlyFailing.push({ payloadId: p.id, channel: p.channel, receivedAt: p.receivedAt, error: b.error });
      return;
    }
    if (!a.ok && b.ok) {
      r.newlySucceeding.push({ payloadId: p.id, channel: p.channel, receivedAt: p.receivedAt, error: a.error });
      return;
    }
    if (!a.ok || !b.ok) return;
    const before = leaves(a.order, '', new Map());
    const after = leaves(b.order, '', new Map());
    const changed = new Map<string, { before: unknown; after: unknown }>();
    for (const k of new Set([...before.keys(), ...after.keys()])) {
      const x = before.get(k) ?? null;
      const y = after.get(k) ?? null;
      if (x === y) continue;
      const general = k.replace(/\[\d+\]/g, '[]');
      if (!changed.has(general)) changed.set(general, { before: mask(k, x), after: mask(k, y) });
    }
    if (!changed.size) {
      r.identical++;
      return;
    }
    r.changed++;
    for (const [path, ex] of changed) {
      const f = fields.get(path) ?? { path, count: 0, examples: [] };
      f.count++;
      if (f.examples.length < MAX_EXAMPLES) f.examples.push({ payloadId: p.id, ...ex });
      fields.set(path, f);
    }
  };
  const window: Promise<void>[] = [];
  const limit = o.concurrency ?? 4;
  for await (const p of payloads) {
    window.push(one(p));
    if (window.length >= limit) await Promise.all(window.splice(0));
  }
  await Promise.all(window);
  r.fields = [...fields.values()].sort((x, y) => y.count - x.count || x.path.localeCompare(y.path));
  return r;
}

/** "7d", "12h", "30m" -> milliseconds; undefined when it is not such a duration. */
export function parseSince(text: string): number | undefined {
  const m = /^(\d{1,4})([dhm])$/.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000;
  return Number(m[1]) * unit;
}
