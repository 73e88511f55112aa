import { z } from 'zod';
import { Id, IsoDateTime, Money } from '../../canonical/order.js';
import type { StoreDb } from './connect.js';

/** A refund an after-sales case saw paid out, as the case workflow hands it to the store. */
export const OrderRefundRecord = z
  .object({
    /** The order's workflow id (order:<orderKey>). */
    workflowId: z.string().regex(/^order:.+/, 'expected order:<orderKey>'),
    /** One record per case: a retry or a replayed case writes nothing new. */
    caseKey: Id,
    platformCaseId: Id.nullable(),
    /** The order lines the after-sale covers; empty when the platform named none. */
    lineIds: z.array(Id),
    amount: Money.refine((m) => m.minor > 0, { message: 'a refund amount must be positive', path: ['minor'] }),
    /** When the money went back (the platform's time when it gives one). */
    refundedAt: IsoDateTime,
  })
  .strict();
export type OrderRefundRecord = z.infer<typeof OrderRefundRecord>;

/** Stores a case's refund once (keyed by case key); true when this call stored it. */
export async function recordOrderRefund(store: StoreDb, r: OrderRefundRecord): Promise<boolean> {
  const written = await store.db
    .insertInto('order_refunds')
    .values({ case_key: r.caseKey, workflow_id: r.workflowId, platform_case_id: r.platformCaseId, line_ids: JSON.stringify(r.lineIds), amount_minor: r.amount.minor, currency: r.amount.currency, refunded_at: r.refundedAt })
    .onConflict((oc) => oc.column('case_key').doNothing())
    .returning('case_key')
    .executeTakeFirst();
  return written !== undefined;
}
