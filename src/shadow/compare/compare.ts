import { addressKey, COMPARED_FIELD, linesKey, type ComparedField, type OrderOutcome } from './outcome.js';

export const MATCH = { MATCHED: 'matched', DIFFERING: 'differing', MISSING_IN_HUB: 'missing_in_hub', MISSING_IN_LEGACY: 'missing_in_legacy' } as const;
export type Match = (typeof MATCH)[keyof typeof MATCH];

export interface FieldDifference {
  field: ComparedField;
  hub: string;
  legacy: string;
}

export interface OrderComparison {
  orderId: string;
  result: Match;
  differences: FieldDifference[];
}

export interface ComparisonReport {
  channel: string;
  from: string;
  to: string;
  totals: Record<Match, number>;
  /** How many orders differ in each field. */
  byField: Partial<Record<ComparedField, number>>;
  orders: OrderComparison[];
}

/** Each compared field of an outcome as text; the address masked so a report never carries it whole. */
function views(o: OrderOutcome): { field: ComparedField; key: string; shown: string }[] {
  const address = addressKey(o.address);
  return [
    { field: COMPARED_FIELD.CARRIER, key: o.carrier ?? '', shown: o.carrier ?? '' },
    { field: COMPARED_FIELD.HOLDS, key: [...new Set(o.holds)].sort().join(';'), shown: [...new Set(o.holds)].sort().join(';') },
    { field: COMPARED_FIELD.GIFTS, key: linesKey(o.gifts), shown: linesKey(o.gifts) },
    { field: COMPARED_FIELD.WMS, key: o.wms ? linesKey(o.wms.lines) : '(none)', shown: o.wms ? linesKey(o.wms.lines) : '(none)' },
    { field: COMPARED_FIELD.ADDRESS, key: address ?? '', shown: maskedAddress(address) },
    { field: COMPARED_FIELD.CURRENCY, key: o.amounts.currency, shown: o.amounts.currency },
    { field: COMPARED_FIELD.GOODS, key: String(o.amounts.goods), shown: String(o.amounts.goods) },
    { field: COMPARED_FIELD.FREIGHT, key: String(o.amounts.freight), shown: String(o.amounts.freight) },
    { field: COMPARED_FIELD.DISCOUNT, key: String(o.amounts.discount), shown: String(o.amounts.discount) },
    { field: COMPARED_FIELD.PAID, key: String(o.amounts.paid), shown: String(o.amounts.paid) },
  ];
}

/** Region kept, the rest reduced to its length: enough to see where two addresses part. */
function maskedAddress(a: string | null): string {
  if (!a) return '';
  return `${a.slice(0, 6)}***(${[...a].length} chars)`;
}

/** Per order: matched, differing (each field, both values, address masked) or missing on one side. */
export function compareOutcomes(hub: readonly OrderOutcome[], legacy: readonly OrderOutcome[], o: { channel: string; from: string; to: string }): ComparisonReport {
  const hubBy = new Map(hub.map((x) => [x.orderId, x]));
  const legacyBy = new Map(legacy.map((x) => [x.orderId, x]));
  const ids = [...new Set([...hubBy.keys(), ...legacyBy.keys()])].sort();
  const totals: Record<Match, number> = { matched: 0, differing: 0, missing_in_hub: 0, missing_in_legacy: 0 };
  const byField: Partial<Record<ComparedField, number>> = {};
  const orders: OrderComparison[] = [];
  for (const orderId of ids) {
    const h = hubBy.get(orderId);
    const l = legacyBy.get(orderId);
    let c: OrderComparison;
    if (!h) c = { orderId, result: MATCH.MISSING_IN_HUB, differences: [] };
    else if (!l) c = { orderId, result: MATCH.MISSING_IN_LEGACY, differences: [] };
    else {
      const lv = views(l);
      const differences = views(h).flatMap((hv, i) => {
        const other = lv[i];
        return other && other.key !== hv.key ? [{ field: hv.field, hub: hv.shown, legacy: other.shown }] : [];
      });
      c = { orderId, result: differences.length ? MATCH.DIFFERING : MATCH.MATCHED, differences };
      for (const d of differences) byField[d.field] = (byField[d.field] ?? 0) + 1;
    }
    totals[c.result]++;
    orders.push(c);
  }
  return { channel: o.channel, from: o.from, to: o.to, totals, byField, orders };
}

/** One line for the daily notification. */
export function summaryLine(r: ComparisonReport): string {
  const fields = Object.entries(r.byField)
    .map(([f, n]) => `${f} ${n}`)
    .join(', ');
  return `shadow ${r.channel}: ${r.totals.matched} matched, ${r.totals.differing} differing${fields ? ` (${fields})` : ''}, ${r.totals.missing_in_hub} missing in hub, ${r.totals.missing_in_legacy} missing in old system`;
}
