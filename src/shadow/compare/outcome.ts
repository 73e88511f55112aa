import { z } from 'zod';

/** One goods line as an outcome names it: SKU and quantity. */
const Line = z.object({ sku: z.string().min(1, 'sku: required'), quantity: z.number().int().positive('quantity: a positive integer') }).strict();
const Minor = z.number().int('an integer amount in minor units');

/**
 * What a system decided for one order, the fields the shadow run compares: the old system's side
 * comes from its export through a `shadow/*` mapping, the hub's from the order store.
 */
export const OrderOutcome = z
  .object({
    orderId: z.string().min(1, 'orderId: the platform order id is required'),
    carrier: z.string().min(1).nullable(),
    /** Every hold reason the order had, in the hub's vocabulary (the mapping translates). */
    holds: z.array(z.string().min(1)),
    gifts: z.array(Line),
    /** The lines sent to the warehouse; null when no instruction went out. */
    wms: z.object({ lines: z.array(Line) }).strict().nullable(),
    /** One line: province city district street detail, as the platform sent them. */
    address: z.string().nullable(),
    amounts: z.object({ currency: z.string().regex(/^[A-Z]{3}$/), goods: Minor, freight: Minor, discount: Minor, paid: Minor }).strict(),
  })
  .strict();
export type OrderOutcome = z.infer<typeof OrderOutcome>;

/** The fields a difference is reported by. */
export const COMPARED_FIELD = {
  CARRIER: 'carrier',
  HOLDS: 'holds',
  GIFTS: 'gifts',
  WMS: 'wms',
  ADDRESS: 'address',
  GOODS: 'amounts.goods',
  FREIGHT: 'amounts.freight',
  DISCOUNT: 'amounts.discount',
  PAID: 'amounts.paid',
  CURRENCY: 'amounts.currency',
} as const;
export type ComparedField = (typeof COMPARED_FIELD)[keyof typeof COMPARED_FIELD];

/** Comparable text of a set of lines: order-insensitive, one SKU's quantities summed. */
export function linesKey(lines: readonly { sku: string; quantity: number }[]): string {
  const by = new Map<string, number>();
  for (const l of lines) by.set(l.sku, (by.get(l.sku) ?? 0) + l.quantity);
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sku, q]) => `${sku}x${q}`)
    .join(';');
}

/** Address text for comparing: whitespace differences between exports are not differences. */
export function addressKey(a: string | null): string | null {
  return a === null ? null : a.replace(/\s+/g, '');
}
