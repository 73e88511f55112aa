import { z } from 'zod';
import type { ChannelConfig } from '../../config/schema.js';
import { orderKey } from '../../canonical/order.js';
import { toMinor } from '../../mapping/functions.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS } from '../../../workflows/after-sales/constants.js';
import type { AfterSalesCaseInput } from '../../../workflows/after-sales/types.js';
import type { CaseFromPush } from './types.js';

export const SHOPIFY_REFUND_TOPIC = 'refunds/create';

const Id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative().refine(Number.isSafeInteger, 'unsafe integer id')]).transform(String);
const Decimal = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount'), z.number()]);

/** Shopify Refund (WIRE-FORMATS: Shopify refunds/create). */
const Refund = z.looseObject({
  id: Id,
  order_id: Id,
  created_at: z.iso.datetime({ offset: true }),
  note: z.string().nullable().optional(),
  refund_line_items: z
    .array(z.looseObject({ line_item_id: Id, quantity: z.number().int().nonnegative(), restock_type: z.string().nullable().optional(), line_item: z.looseObject({ sku: z.string().nullable().optional() }).optional() }))
    .default([]),
  transactions: z.array(z.looseObject({ kind: z.string(), status: z.string(), amount: Decimal, currency: z.string().regex(/^[A-Z]{3}$/).optional() })).default([]),
});

/**
 * A Shopify refund as its case. Shopify's refund is the money already moved (a successful refund
 * transaction): the case opens refunded; with restock type `return` the goods are still to come
 * back, so it waits for them before it closes.
 */
export function shopifyRefundCase(channel: ChannelConfig, payload: unknown, deliveryId: string | null): AfterSalesCaseInput | Error {
  const r = Refund.safeParse(payload);
  if (!r.success) return new Error(`refund: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const f = r.data;
  const paid = f.transactions.filter((t) => t.kind === 'refund' && t.status === 'success');
  const currency = paid[0]?.currency ?? channel.currency;
  const minor = paid.reduce((n, t) => n + (toMinor(t.amount, currency) ?? 0), 0);
  const returning = f.refund_line_items.some((l) => l.restock_type === 'return');
  const amount = paid.length ? { minor, currency } : null;
  return {
    caseKey: caseWorkflowId('shopify', f.id),
    platform: 'shopify',
    channel: channel.id,
    shop: channel.shop,
    platformCaseId: f.id,
    orderKey: orderKey(channel.id, f.order_id),
    type: returning ? CASE_TYPE.RETURN_AND_REFUND : CASE_TYPE.REFUND_ONLY,
    lines: f.refund_line_items.map((l) => ({ lineId: l.line_item_id, sku: l.line_item?.sku ?? null, qty: l.quantity })),
    amount,
    reason: f.note ?? null,
    openedAt: f.created_at,
    openedBy: { kind: 'platform', actor: 'shopify' },
    ...(returning ? { returnExpected: true } : {}),
    first: {
      messageId: deliveryId ?? `refund-${f.id}`,
      status: paid.length ? PLATFORM_CASE_STATUS.REFUNDED : PLATFORM_CASE_STATUS.REQUESTED,
      platformStatus: `refunds/create (${paid.length ? 'refund transaction succeeded' : 'no successful refund transaction'})`,
      at: f.created_at,
      ...(amount ? { refund: amount } : {}),
    },
  };
}

/** Shopify deliveries through the generic webhook route: refunds/create opens its case; other topics are not after-sales. */
export const shopifyCase: CaseFromPush = ({ channel, event }) => (event.topic === SHOPIFY_REFUND_TOPIC ? shopifyRefundCase(channel, event.payload, event.messageId || null) : null);
