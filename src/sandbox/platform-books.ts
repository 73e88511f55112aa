/**
 * A sales-platform sandbox's own money figures, as the platform's books would hold them: the
 * simulator compares the hub's finance reconciliation with them (FINANCE_AGREES). Integer minor
 * units, ISO-8601 instants; the same shape for every platform sandbox.
 */

/** An order the buyer paid (whatever happened to it afterwards). */
export interface BookedSale {
  orderId: string;
  currency: string;
  /** When the platform says it was paid (the paid time it sends the hub). */
  paidAt: string;
  /** What the buyer paid plus any platform-funded discount the platform settles to the seller. */
  received: number;
}

/** Money the platform paid back to the buyer: one entry per refunded line (or order, where refunds are per order). */
export interface BookedRefund {
  orderId: string;
  /** The refunded line; null where the platform refunds whole orders (Pinduoduo's refund_status, Youzan's full refund). */
  lineId: string | null;
  currency: string;
  amount: number;
  /** When the refund succeeded (the money went back). */
  refundedAt: string;
}

export interface PlatformBooks {
  sales: BookedSale[];
  refunds: BookedRefund[];
  /** Orders with a refund done whose amount the sandbox does not model (Youzan partial refunds): not in `refunds`. */
  unpricedRefunds: string[];
}

/** A book's figures over one span: what the reconciliation shows per platform and currency. */
export interface BookTotals {
  orders: number;
  received: bigint;
  refunds: bigint;
}

/**
 * Sums `books` per currency over [from, to): sales by paid time, refunds by the time they were
 * paid out (the reconciliation's own rule, src/finance/reconcile.ts).
 */
export function bookTotals(books: PlatformBooks, range: { from: Date; to: Date }): Map<string, BookTotals> {
  const inRange = (iso: string) => {
    const t = Date.parse(iso);
    return t >= range.from.getTime() && t < range.to.getTime();
  };
  const out = new Map<string, BookTotals>();
  const of = (currency: string): BookTotals => {
    let t = out.get(currency);
    if (!t) {
      t = { orders: 0, received: 0n, refunds: 0n };
      out.set(currency, t);
    }
    return t;
  };
  for (const s of books.sales) {
    if (!inRange(s.paidAt)) continue;
    const t = of(s.currency);
    t.orders++;
    t.received += BigInt(s.received);
  }
  for (const r of books.refunds) if (inRange(r.refundedAt)) of(r.currency).refunds += BigInt(r.amount);
  return out;
}
