import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SandboxLog, SandboxResponse } from '../../src/sandbox/core.js';
import { jsonResponse, parseSandboxInput, SandboxTime } from '../../src/sandbox/platform-kit.js';
import { iso, type AmazonOrder } from './sandbox-orders.js';

/**
 * Refunds the sandbox posts to the Finances API (listFinancialEvents' RefundEventList, each a
 * ShipmentEvent: WIRE-FORMATS §3 names the model; the field set below follows the Finances v0
 * model and is UNVERIFIED against a live account, see docs/wire-formats/amazon-refunds.md).
 */
export const AmazonRefundInput = z
  .object({
    orderId: z.string().min(1),
    /** The line's seller SKU; default the first line. */
    sku: z.string().min(1).optional(),
    qty: z.number().int().positive().optional(),
    /** Minor units refunded of the principal; default the line's price times qty. */
    amount: z.number().int().positive().optional(),
    postedAt: SandboxTime.optional(),
  })
  .strict();
export type AmazonRefundInput = z.input<typeof AmazonRefundInput>;

interface AmazonRefund {
  orderId: string;
  orderItemId: string;
  adjustmentId: string;
  sku: string;
  qty: number;
  amount: number;
  currency: string;
  posted: Date;
}

/** CurrencyAmount is a JSON number in major units, negative for money going back to the buyer. */
const major = (minor: number) => -minor / 100;

export function renderRefundEvent(r: AmazonRefund): Record<string, unknown> {
  return {
    AmazonOrderId: r.orderId,
    PostedDate: iso(r.posted),
    MarketplaceName: 'Amazon.com',
    ShipmentItemAdjustmentList: [
      {
        SellerSKU: r.sku,
        OrderItemId: r.orderItemId,
        OrderAdjustmentItemId: r.adjustmentId,
        QuantityShipped: r.qty,
        ItemChargeAdjustmentList: [{ ChargeType: 'Principal', ChargeAmount: { CurrencyCode: r.currency, CurrencyAmount: major(r.amount) } }],
      },
    ],
  };
}

/** Posting windows of listFinancialEvents: at most 180 days, ending at least 2 minutes ago (UNVERIFIED). */
const MAX_WINDOW_MS = 180 * 24 * 3600_000;
const MIN_LAG_MS = 2 * 60_000;

export function amazonRefunds(d: { orders: Map<string, AmazonOrder>; log: SandboxLog; clock: () => Date; pageSize: number; invalid: (message: string) => SandboxResponse }) {
  const refunds: AmazonRefund[] = [];
  const pages = new Map<string, { rows: AmazonRefund[]; offset: number }>();
  let nextAdjustment = 70_000_000_000_001n;
  const listFinancialEvents = (q: URLSearchParams): SandboxResponse => {
    const token = q.get('NextToken');
    let page: { rows: AmazonRefund[]; offset: number };
    if (token) {
      const p = pages.get(token);
      if (!p) return d.invalid('Invalid NextToken');
      pages.delete(token);
      page = p;
    } else {
      const after = Date.parse(q.get('PostedAfter') ?? '');
      if (Number.isNaN(after)) return d.invalid('PostedAfter is required (ISO-8601)');
      const beforeText = q.get('PostedBefore');
      const before = beforeText === null ? d.clock().getTime() - MIN_LAG_MS : Date.parse(beforeText);
      if (Number.isNaN(before)) return d.invalid('PostedBefore must be ISO-8601');
      if (before > d.clock().getTime() - MIN_LAG_MS) return d.invalid('PostedBefore must be at least two minutes before the time of the request');
      if (before < after || before - after > MAX_WINDOW_MS) return d.invalid('PostedBefore must be after PostedAfter and within 180 days of it');
      const max = Number(q.get('MaxResultsPerPage') ?? '100');
      if (!Number.isInteger(max) || max < 1 || max > 100) return d.invalid('MaxResultsPerPage must be 1..100');
      const rows = refunds.filter((r) => r.posted.getTime() >= after && r.posted.getTime() < before).sort((a, b) => a.posted.getTime() - b.posted.getTime());
      page = { rows, offset: 0 };
    }
    const slice = page.rows.slice(page.offset, page.offset + d.pageSize);
    let next: string | undefined;
    if (page.offset + d.pageSize < page.rows.length) {
      next = randomUUID();
      pages.set(next, { rows: page.rows, offset: page.offset + d.pageSize });
    }
    return jsonResponse({ payload: { ...(next ? { NextToken: next } : {}), FinancialEvents: { ShipmentEventList: [], RefundEventList: slice.map(renderRefundEvent) } } });
  };
  return {
    listFinancialEvents,
    refund(raw: AmazonRefundInput): Record<string, unknown> {
      const i = parseSandboxInput(AmazonRefundInput, raw, 'amazon sandbox refundOrder');
      const o = d.orders.get(i.orderId);
      if (!o) throw new Error(`amazon sandbox refundOrder: orderId: no order ${i.orderId}`);
      const item = i.sku ? o.items.find((x) => x.sku === i.sku) : o.items[0];
      if (!item) throw new Error(`amazon sandbox refundOrder: sku: order ${i.orderId} has no line ${i.sku ?? ''}`);
      const qty = i.qty ?? item.qty;
      const r: AmazonRefund = { orderId: o.id, orderItemId: item.orderItemId, adjustmentId: String(nextAdjustment++), sku: item.sku, qty, amount: i.amount ?? item.price * qty, currency: o.currency, posted: i.postedAt ?? d.clock() };
      refunds.push(r);
      d.log.record('refund.posted', o.id, { sku: r.sku, qty: r.qty, amount: r.amount });
      return renderRefundEvent(r);
    },
    all: () => refunds.map(renderRefundEvent),
  };
}
