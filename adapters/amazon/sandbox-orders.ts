import { z } from 'zod';
import { SandboxTime } from '../../src/sandbox/platform-kit.js';

/** The SP-API order model of the sandbox: what placeOrder takes and how Orders v0 renders it. */

export const AMAZON_ORDER_STATUSES = ['Pending', 'Unshipped', 'PartiallyShipped', 'Shipped', 'Canceled', 'Unfulfillable', 'InvoiceUnconfirmed', 'PendingAvailability'] as const;
export type AmazonOrderStatus = (typeof AMAZON_ORDER_STATUSES)[number];
export const AMAZON_STATUS = Object.fromEntries(AMAZON_ORDER_STATUSES.map((s) => [s, s])) as { readonly [K in AmazonOrderStatus]: K };

/** Only these take a shipment confirmation. */
export const AMAZON_SHIPPABLE: ReadonlySet<AmazonOrderStatus> = new Set([AMAZON_STATUS.Unshipped, AMAZON_STATUS.PartiallyShipped]);

/** Digits after the point per currency (ISO 4217); SP-API writes Amount as a decimal string. */
const MINOR_DIGITS: Readonly<Record<string, number>> = { JPY: 0 };

export function amount(minor: number, currency: string): { CurrencyCode: string; Amount: string } {
  const d = MINOR_DIGITS[currency] ?? 2;
  const sign = minor < 0 ? '-' : '';
  const a = Math.abs(minor);
  const unit = 10 ** d;
  const text = d === 0 ? String(a) : `${Math.floor(a / unit)}.${String(a % unit).padStart(d, '0')}`;
  return { CurrencyCode: currency, Amount: `${sign}${text}` };
}

export const AmazonLineInput = z
  .object({
    sku: z.string().min(1).describe('SellerSKU'),
    qty: z.number().int().positive(),
    /** ItemPrice is the line's price (unit price x quantity), in minor units. */
    price: z.number().int().nonnegative().describe('unit price in minor units'),
    promotion: z.number().int().nonnegative().default(0).describe('PromotionDiscount of the line, minor units'),
    shipping: z.number().int().nonnegative().default(0),
    tax: z.number().int().nonnegative().default(0),
    title: z.string().min(1).optional(),
    asin: z.string().regex(/^[A-Z0-9]{10}$/).optional(),
  })
  .strict();

export const AmazonOrderInput = z
  .object({
    id: z.string().regex(/^\d{3}-\d{7}-\d{7}$/, 'an AmazonOrderId (3-7-7)'),
    status: z.enum(AMAZON_ORDER_STATUSES).default(AMAZON_STATUS.Unshipped),
    marketplaceId: z.string().min(1).default('ATVPDKIKX0DER'),
    currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
    fulfillmentChannel: z.enum(['MFN', 'AFN']).default('MFN'),
    lines: z.array(AmazonLineInput).min(1),
    /** The non-PII part of the address (the rest is restricted data, never served without an RDT). */
    shipTo: z.object({ city: z.string().min(1), state: z.string().min(1), postalCode: z.string().min(1), country: z.string().regex(/^[A-Z]{2}$/) }).strict().default({ city: 'SEATTLE', state: 'WA', postalCode: '98101-0000', country: 'US' }),
    purchasedAt: SandboxTime.optional(),
    updatedAt: SandboxTime.optional(),
  })
  .strict();
export type AmazonOrderInput = z.input<typeof AmazonOrderInput>;

export const AmazonOrderPatch = z.object({ status: z.enum(AMAZON_ORDER_STATUSES).optional(), updatedAt: SandboxTime.optional() }).strict();
export type AmazonOrderPatch = z.input<typeof AmazonOrderPatch>;

export interface AmazonItem {
  orderItemId: string;
  sku: string;
  asin: string;
  title: string;
  qty: number;
  shipped: number;
  price: number;
  promotion: number;
  shipping: number;
  tax: number;
}

export interface AmazonOrder {
  id: string;
  status: AmazonOrderStatus;
  marketplaceId: string;
  currency: string;
  fulfillmentChannel: 'MFN' | 'AFN';
  items: AmazonItem[];
  shipTo: { city: string; state: string; postalCode: string; country: string };
  purchased: Date;
  updated: Date;
}

/** getOrders / getOrder's Order object. OrderTotal is absent while Pending, as Amazon leaves it. */
export function renderAmazonOrder(o: AmazonOrder): Record<string, unknown> {
  const total = o.items.reduce((a, i) => a + i.price * i.qty + i.shipping + i.tax - i.promotion, 0);
  const shipped = o.items.reduce((a, i) => a + i.shipped, 0);
  const ordered = o.items.reduce((a, i) => a + i.qty, 0);
  return {
    AmazonOrderId: o.id,
    PurchaseDate: iso(o.purchased),
    LastUpdateDate: iso(o.updated),
    OrderStatus: o.status,
    FulfillmentChannel: o.fulfillmentChannel,
    ...(o.status === AMAZON_STATUS.Pending ? {} : { OrderTotal: amount(total, o.currency) }),
    NumberOfItemsShipped: shipped,
    NumberOfItemsUnshipped: ordered - shipped,
    MarketplaceId: o.marketplaceId,
    OrderType: 'StandardOrder',
    ShippingAddress: { City: o.shipTo.city, StateOrRegion: o.shipTo.state, PostalCode: o.shipTo.postalCode, CountryCode: o.shipTo.country },
  };
}

export function renderAmazonItem(o: AmazonOrder, i: AmazonItem): Record<string, unknown> {
  return {
    ASIN: i.asin,
    SellerSKU: i.sku,
    OrderItemId: i.orderItemId,
    Title: i.title,
    QuantityOrdered: i.qty,
    QuantityShipped: i.shipped,
    ItemPrice: amount(i.price * i.qty, o.currency),
    ItemTax: amount(i.tax, o.currency),
    PromotionDiscount: amount(i.promotion, o.currency),
    ShippingPrice: amount(i.shipping, o.currency),
  };
}

/** SP-API times: ISO-8601 UTC without milliseconds. */
export function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function amazonOrderState(o: AmazonOrder) {
  return { id: o.id, status: o.status, marketplaceId: o.marketplaceId, updated: iso(o.updated), items: o.items.map((i) => ({ ...i })) };
}
