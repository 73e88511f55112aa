import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CanonicalOrder } from '../canonical/order.js';
import { parseJsonSafe } from '../util/json.js';
import { errorMessage } from '../util/errors.js';

/** A half-open span of instants [from, to): one accounting month in the reconciliation. */
export interface FinanceRange {
  from: Date;
  to: Date;
}

/**
 * Where the reconciliation reads orders from. The order store implements it over PostgreSQL; the
 * CLI and tests use the JSON-lines file below.
 *
 * Contract: `orders(range)` yields, once each and in any order, the latest canonical snapshot of
 * every order whose `paidAt` is in the range, and of every order that has a line refund
 * (`lines[].refunds[].refundedAt`) in the range, however long ago it was paid: a refund is counted
 * in the month it happened. It must stream (a cursor, not one big array): a month may hold 100k
 * orders. Extra orders are harmless (the reconciliation keeps only what falls in the range).
 */
export interface FinanceOrderSource {
  orders(range: FinanceRange): AsyncIterable<CanonicalOrder>;
}

export class FinanceSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FinanceSourceError';
  }
}

/** Does this order pay or refund anything inside the range? */
export function touchesRange(o: CanonicalOrder, range: FinanceRange): boolean {
  const inRange = (iso: string | null | undefined) => {
    if (!iso) return false;
    const t = Date.parse(iso);
    return t >= range.from.getTime() && t < range.to.getTime();
  };
  if (inRange(o.paidAt)) return true;
  return o.lines.some((l) => l.refunds?.some((r) => inRange(r.refundedAt)) ?? false);
}

/**
 * One canonical order per line (UTF-8, blank lines skipped), read as a stream. Each line is
 * validated with the canonical schema; a bad line stops the export with its line number and the
 * failing field, since a reconciliation that skips an order is wrong without saying so.
 */
export class JsonLinesOrderSource implements FinanceOrderSource {
  constructor(private readonly file: string) {}

  async *orders(range: FinanceRange): AsyncIterable<CanonicalOrder> {
    const input = createReadStream(this.file, { encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Infinity });
    let n = 0;
    try {
      for await (const text of lines) {
        n++;
        if (!text.trim()) continue;
        let raw: unknown;
        try {
          raw = parseJsonSafe(text);
        } catch (err) {
          throw new FinanceSourceError(`${this.file}:${n}: not valid JSON (${errorMessage(err)})`);
        }
        const parsed = CanonicalOrder.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const where = issue?.path.map(String).join('.') || 'order';
          throw new FinanceSourceError(`${this.file}:${n}: ${where}: ${issue?.message ?? 'not a canonical order'}`);
        }
        if (touchesRange(parsed.data, range)) yield parsed.data;
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }
}
