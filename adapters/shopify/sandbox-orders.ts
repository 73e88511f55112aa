import { z } from 'zod';
import { SandboxLine, SandboxTime, yuan } from '../../src/sandbox/platform-kit.js';

/**
 * The Shopify sandbox's orders as the REST Order resource (WIRE-FORMATS, Shopify): decimal
 * strings in the shop currency, ISO-8601 times, numeric ids in the safe range,
 * financial_status / fulfillment_status words, shipping_address in plain text.
 */
export const FINANCIAL_STATUS = ['pending', 'authorized', 'partially_paid', 'paid', 'partially_refunded', 'refunded', 'voided'] as const;
export type FinancialStatus = (typeof FINANCIAL_STATUS)[number];

export const ShopifyAddress = z
  .object({
    name: z.string().min(1),
    address1: z.string().min(1),
    address2: z.string().nullable().default(null),
    city: z.string().min(1),
    province: z.string().nullable().default(null),
    province_code: z.string().nullable().default(null),
    zip: z.string().nullable().default(null),
    country: z.string().min(1),
    country_code: z.string().length(2),
    phone: z.string().nullable().default(null),
  })
  .strict();
export type ShopifyAddress = z.output<typeof ShopifyAddress>;

const DEFAULT_ADDRESS: ShopifyAddress = {
  name: 'Steve Shipper',
  address1: '123 Shipping Street',
  address2: null,
  city: 'Shippington',
  province: 'Kentucky',
  province_code: 'KY',
  zip: '40003',
  country: 'United States',
  country_code: 'US',
  phone: '555-555-SHIP',
};

const SafeId = z.string().regex(/^\d{1,15}$/, 'a Shopify order id (digits, within 2^53)');

export const ShopifyOrderInput = z
  .object({
    id: SafeId,
    financialStatus: z.enum(FINANCIAL_STATUS).default('paid'),
    lines: z.array(SandboxLine).min(1),
    /** Shipping and the order discount, minor units of the shop currency. */
    shipping: z.number().int().nonnegative().default(0),
    discount: z.number().int().nonnegative().default(0),
    shippingAddress: ShopifyAddress.default(DEFAULT_ADDRESS),
    email: z.string().min(1).optional(),
    createdAt: SandboxTime.optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type ShopifyOrderInput = z.input<typeof ShopifyOrderInput>;

export const ShopifyOrderPatch = z
  .object({
    financialStatus: z.enum(FINANCIAL_STATUS).optional(),
    /** Cancels the order (cancelled_at set); Shopify voids or refunds the payment alongside. */
    cancel: z.literal(true).optional(),
    /** A refunded line, by SKU: its refund appears in `refunds[]`. */
    refundLine: z.object({ sku: z.string().min(1), quantity: z.number().int().positive() }).strict().optional(),
    shippingAddress: ShopifyAddress.partial().optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type ShopifyOrderPatch = z.input<typeof ShopifyOrderPatch>;

export interface ShopifyLine {
  id: number;
  sku: string;
  variantId: number;
  title: string;
  qty: number;
  price: number;
  discount: number;
  refunded: number;
  fulfilled: number;
}

export interface ShopifyOrder {
  id: string;
  number: number;
  financialStatus: FinancialStatus;
  lines: ShopifyLine[];
  shipping: number;
  discount: number;
  address: ShopifyAddress;
  email: string | undefined;
  created: Date;
  modified: Date;
  cancelled: Date | undefined;
  refunds: { id: number; at: Date; lines: { lineId: number; quantity: number }[] }[];
}

/** Decimal text with two places (the sandbox's currencies all have cents). */
const money = yuan;

/** Financial statuses of an order whose payment was captured (what the hub's mapping counts as paid, too). */
export const PAID_STATUSES: ReadonlySet<FinancialStatus> = new Set(['paid', 'partially_refunded', 'refunded']);

/**
 * What a refund line gave back (its `subtotal`; the sandbox charges no tax): the refunded share of
 * the line after its discount, rounded to a minor unit.
 */
export function refundedAmount(o: ShopifyOrder, x: { lineId: number; quantity: number }): number {
  const line = o.lines.find((l) => l.id === x.lineId);
  if (!line) return 0;
  return Math.round(((line.price * line.qty - line.discount) * x.quantity) / line.qty);
}

export function fulfillmentStatus(o: ShopifyOrder): 'fulfilled' | 'partial' | null {
  const open = o.lines.reduce((a, l) => a + l.qty - l.refunded, 0);
  const done = o.lines.reduce((a, l) => a + l.fulfilled, 0);
  if (done === 0) return null;
  return done >= open ? 'fulfilled' : 'partial';
}

/** The REST Order a webhook carries. */
export function renderOrder(o: ShopifyOrder, currency: string): Record<string, unknown> {
  const goods = o.lines.reduce((a, l) => a + l.price * l.qty, 0);
  const amount = (minor: number) => ({ shop_money: { amount: money(minor), currency_code: currency }, presentment_money: { amount: money(minor), currency_code: currency } });
  return {
    id: Number(o.id),
    admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
    name: `#${o.number}`,
    order_number: o.number,
    email: o.email ?? null,
    created_at: o.created.toISOString(),
    processed_at: o.created.toISOString(),
    updated_at: o.modified.toISOString(),
    cancelled_at: o.cancelled?.toISOString() ?? null,
    cancel_reason: o.cancelled ? 'customer' : null,
    financial_status: o.financialStatus,
    fulfillment_status: fulfillmentStatus(o),
    currency,
    total_line_items_price: money(goods),
    subtotal_price: money(goods - o.discount),
    total_discounts: money(o.discount),
    total_tax: '0.00',
    total_price: money(goods - o.discount + o.shipping),
    total_shipping_price_set: amount(o.shipping),
    line_items: o.lines.map((l) => ({
      id: l.id,
      admin_graphql_api_id: `gid://shopify/LineItem/${l.id}`,
      variant_id: l.variantId,
      sku: l.sku,
      title: l.title,
      name: l.title,
      quantity: l.qty,
      fulfillable_quantity: Math.max(0, l.qty - l.refunded - l.fulfilled),
      fulfillment_status: l.fulfilled === 0 ? null : l.fulfilled >= l.qty - l.refunded ? 'fulfilled' : 'partial',
      price: money(l.price),
      total_discount: '0.00',
      discount_allocations: l.discount ? [{ amount: money(l.discount), discount_application_index: 0 }] : [],
      requires_shipping: true,
      tax_lines: [],
    })),
    shipping_address: o.address,
    shipping_lines: o.shipping ? [{ id: Number(o.id) + 1, title: 'Standard', price: money(o.shipping), discounted_price: money(o.shipping), code: 'STANDARD', source: 'shopify', tax_lines: [] }] : [],
    refunds: o.refunds.map((r) => ({
      id: r.id,
      order_id: Number(o.id),
      created_at: r.at.toISOString(),
      refund_line_items: r.lines.map((x, i) => ({ id: r.id + i + 1, line_item_id: x.lineId, quantity: x.quantity, restock_type: 'cancel', subtotal: money(refundedAmount(o, x)), total_tax: '0.00' })),
      transactions: [],
    })),
  };
}

export function orderState(o: ShopifyOrder) {
  return {
    id: o.id,
    number: o.number,
    financialStatus: o.financialStatus,
    fulfillmentStatus: fulfillmentStatus(o),
    created: o.created.toISOString(),
    modified: o.modified.toISOString(),
    cancelled: o.cancelled?.toISOString() ?? null,
    shipping: o.shipping,
    discount: o.discount,
    shippingAddress: { ...o.address },
    lines: o.lines.map((l) => ({ ...l })),
  };
}
