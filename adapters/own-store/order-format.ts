import { z } from 'zod';

/**
 * The own-store order format: what a seller's mini-program or web shop sends in `order`. It is
 * ours, not a platform's, so it is written the canonical way: money in integer minor units with
 * a currency, times ISO-8601 with an offset, ids as strings, buyer data as the shop holds it.
 * The own-store/order.v1 mapping reads it; the sandbox and the docs use this schema.
 */
const Minor = z.number().int().nonnegative();
const Iso = z.iso.datetime({ offset: true });

export const OWN_STORE_STATUS = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunded'] as const;

export const OwnStoreOrder = z
  .object({
    orderNo: z.string().min(1).max(64).describe("the shop's order number (the hub's platform order id)"),
    status: z.enum(OWN_STORE_STATUS),
    currency: z.string().regex(/^[A-Z]{3}$/).default('CNY'),
    createdAt: Iso,
    paidAt: Iso.nullable().optional(),
    updatedAt: Iso.optional(),
    amounts: z.object({ goods: Minor, freight: Minor, discount: Minor, paid: Minor }).strict().describe('goods + freight - discount = paid'),
    lines: z
      .array(
        z
          .object({
            lineId: z.string().min(1),
            sku: z.string().min(1).describe('merchant SKU'),
            title: z.string().min(1),
            spec: z.string().optional(),
            quantity: z.number().int().positive(),
            unitPrice: Minor,
            discount: Minor.optional().describe('this line’s share of amounts.discount; absent: spread by line total'),
          })
          .strict(),
      )
      .min(1),
    buyer: z.object({ id: z.string().min(1).optional() }).strict().optional(),
    recipient: z.object({ name: z.string().min(1), phone: z.string().min(1) }).strict(),
    address: z
      .object({ province: z.string().min(1), city: z.string(), district: z.string(), street: z.string().optional(), detail: z.string().min(1), postalCode: z.string().optional(), divisionCode: z.string().regex(/^\d{6}$/).optional() })
      .strict(),
    buyerMessage: z.string().optional(),
    sellerMemo: z.string().optional(),
  })
  .strict();
export type OwnStoreOrder = z.input<typeof OwnStoreOrder>;
