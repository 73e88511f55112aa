import { z } from 'zod';
import { orderKey } from '../../canonical/order.js';
import { toMinor } from '../../mapping/functions.js';
import { errorMessage } from '../../util/errors.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS } from '../../../workflows/after-sales/constants.js';
import type { CaseLine } from '../../../workflows/after-sales/types.js';
import type { CaseFromPull } from './types.js';
import { issuesOf, pulledMessageId } from './pulled.js';

const Charge = z.looseObject({ ChargeType: z.string().optional(), ChargeAmount: z.looseObject({ CurrencyCode: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'), CurrencyAmount: z.number() }) });
const Item = z.looseObject({
  SellerSKU: z.string().min(1).optional(),
  OrderItemId: z.string().min(1).optional(),
  OrderAdjustmentItemId: z.string().min(1).optional(),
  QuantityShipped: z.number().int().nonnegative().optional(),
  ItemChargeAdjustmentList: z.array(Charge).optional(),
});
/** One RefundEventList entry (a ShipmentEvent; field set UNVERIFIED, docs/wire-formats/amazon-refunds.md). */
const RefundEvent = z.looseObject({
  AmazonOrderId: z.string().min(1),
  PostedDate: z.iso.datetime({ offset: true }),
  ShipmentItemAdjustmentList: z.array(Item).min(1),
});

/**
 * The Amazon mapping, in one place: a posted refund is the refund done (Amazon posts it when the
 * money goes back), so its case opens refunded and, being refund only (the event does not say
 * whether goods come back), closes at once: it stands for the refund on the order and for
 * finance. Keyed by order and the first item's OrderAdjustmentItemId (Amazon gives refunds no id
 * of their own), or the posting time where no item has one. Lines by OrderItemId (amazon/order.v1's
 * lineId) with the SellerSKU; the amount is what the charge adjustments give back.
 */
export const amazonPulledCase: CaseFromPull = ({ channel, record }) => {
  const r = RefundEvent.safeParse(record);
  if (!r.success) return new Error(`amazon refund event: ${issuesOf(r.error)}`);
  const f = r.data;
  const charges = f.ShipmentItemAdjustmentList.flatMap((i) => i.ItemChargeAdjustmentList ?? []);
  const currency = charges[0]?.ChargeAmount.CurrencyCode ?? channel.currency;
  if (charges.some((c) => c.ChargeAmount.CurrencyCode !== currency)) return new Error('amazon refund event: ItemChargeAdjustmentList: charges in more than one currency');
  let minor = 0;
  try {
    for (const c of charges) minor += toMinor(c.ChargeAmount.CurrencyAmount, currency) ?? 0;
  } catch (err) {
    return new Error(`amazon refund event: ItemChargeAdjustmentList.ChargeAmount.CurrencyAmount: ${errorMessage(err)}`);
  }
  // Refunds are posted negative (money leaving the seller).
  const amount = charges.length ? { minor: Math.abs(minor), currency } : null;
  const lines: CaseLine[] = f.ShipmentItemAdjustmentList.flatMap((i) => (i.OrderItemId ? [{ lineId: i.OrderItemId, sku: i.SellerSKU ?? null, qty: i.QuantityShipped ?? 0 }] : []));
  const adjustment = f.ShipmentItemAdjustmentList.find((i) => i.OrderAdjustmentItemId)?.OrderAdjustmentItemId;
  const id = `${f.AmazonOrderId}-${adjustment ?? String(Date.parse(f.PostedDate))}`;
  return {
    caseKey: caseWorkflowId('amazon', id),
    platform: 'amazon',
    channel: channel.id,
    shop: channel.shop,
    platformCaseId: id,
    orderKey: orderKey(channel.id, f.AmazonOrderId),
    type: CASE_TYPE.REFUND_ONLY,
    lines,
    amount,
    reason: null,
    openedAt: f.PostedDate,
    openedBy: { kind: 'platform', actor: 'amazon' },
    first: {
      messageId: pulledMessageId('amazon', id, 'refunded', f.PostedDate),
      status: PLATFORM_CASE_STATUS.REFUNDED,
      platformStatus: 'RefundEvent posted',
      at: f.PostedDate,
      ...(amount ? { refund: amount } : {}),
    },
  };
};
