import type { CanonicalOrder, LineRefund, Money } from '../canonical/order.js';

/** A refund an after-sales case saw paid out for an order (the order store's order_refunds). */
export interface CaseRefund {
  caseKey: string;
  platformCaseId: string | null;
  /** Lines the after-sale covers; empty when the platform named none. */
  lineIds: string[];
  amount: Money;
  refundedAt: string;
}

/**
 * The order with its cases' refunds added to lines that carry no refund amount of their own
 * (Taobao and Pinduoduo orders report a refund status only), so nothing is counted twice when the
 * order payload and a case both give one. A case naming no line of the order goes to its first
 * line, and only when no line has amounts of its own. A case in another currency than the order
 * is left out: the order's refunded lines then stay without amounts, and the reconciliation flags it.
 */
export function withCaseRefunds(order: CanonicalOrder, refunds: readonly CaseRefund[]): CanonicalOrder {
  if (!refunds.length) return order;
  const own = new Set(order.lines.filter((l) => l.refunds?.length).map((l) => l.lineId));
  const added = new Map<string, LineRefund[]>();
  const sorted = [...refunds].sort((a, b) => Date.parse(a.refundedAt) - Date.parse(b.refundedAt) || a.caseKey.localeCompare(b.caseKey));
  for (const r of sorted) {
    if (r.amount.currency !== order.currency) continue;
    const named = order.lines.filter((l) => r.lineIds.includes(l.lineId));
    const targets = named.length ? named : own.size ? [] : order.lines;
    if (targets.some((l) => own.has(l.lineId))) continue;
    const line = targets[0];
    if (!line) continue;
    const list = added.get(line.lineId) ?? [];
    list.push({ refundId: r.platformCaseId ?? r.caseKey, amount: { ...r.amount }, refundedAt: r.refundedAt });
    added.set(line.lineId, list);
  }
  if (!added.size) return order;
  return { ...order, lines: order.lines.map((l) => (added.has(l.lineId) ? { ...l, refunds: added.get(l.lineId) } : l)) };
}
