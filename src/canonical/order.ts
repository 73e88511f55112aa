import { z } from 'zod';
import { FEE_KIND, FEE_SOURCE } from './finance.js';
import { ORDER_STATUS, PLATFORM, REFUND_STATUS } from './status.js';

/** ISO-8601 with an explicit offset (Z or ±hh:mm): a bare local time is ambiguous across platforms. */
export const IsoDateTime = z.iso.datetime({ offset: true });

/** Money as integer minor units (fen, cents) plus ISO-4217 currency. Never floats. */
export const Money = z
  .object({
    minor: z.number().int().safe(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO-4217 currency code expected'),
  })
  .strict();
export type Money = z.infer<typeof Money>;

/** IDs are strings: Taobao tid/oid exceed 2^53 and would be corrupted as JS numbers. */
export const Id = z.string().min(1);

/**
 * Personal data exactly as the platform sent it. Chinese platforms send ciphertext plus a masked
 * form (decryption only inside the platform's cloud); Shopify sends plaintext. The hub never
 * needs plaintext and never derives one form from another.
 */
export const Pii = z
  .object({
    ciphertext: z.string().min(1).nullable().optional(),
    masked: z.string().min(1).nullable().optional(),
    plaintext: z.string().min(1).nullable().optional(),
  })
  .strict();
export type Pii = z.infer<typeof Pii>;

export const Address = z
  .object({
    country: z.string().regex(/^[A-Z]{2}$/, 'ISO-3166 alpha-2 country expected'),
    province: z.string().nullable(),
    /** Prefecture-level city; null for county-level units directly under a province (济源, 仙桃...). */
    city: z.string().nullable(),
    /** District / county. PDD `town` and Douyin `post_addr.town` land here. */
    district: z.string().nullable(),
    /** Township / street. Taobao `receiver_town` lands here. */
    street: z.string().nullable().optional(),
    /** Street address below the district, as sent (may be ciphertext). */
    detail: Pii.nullable().optional(),
    postalCode: z.string().nullable().optional(),
    /** GB/T 2260 six-digit division code, when the platform gives one. */
    divisionCode: z.string().regex(/^\d{6}$/).nullable().optional(),
    /** The platform's own address fields, untouched, for audit and re-mapping. */
    raw: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type Address = z.infer<typeof Address>;

/** One refund of a line as the platform reports it: how much, and when the money went back. */
export const LineRefund = z
  .object({
    /** The platform's refund / after-sales id, when it gives one. */
    refundId: z.string().min(1).nullable().optional(),
    amount: Money,
    /** The reconciliation counts the refund in the month of this instant, not the order's. */
    refundedAt: IsoDateTime,
  })
  .strict();
export type LineRefund = z.infer<typeof LineRefund>;

export const PlatformFee = z.object({ kind: z.enum(FEE_KIND), amount: Money, source: z.enum(FEE_SOURCE) }).strict();
export type PlatformFee = z.infer<typeof PlatformFee>;

/**
 * What finance needs beyond the totals (issue 16). Optional throughout: orders recorded before it
 * existed, and mappings of platforms that do not report a figure, stay valid; the reconciliation
 * says how it filled each gap (discount assumed seller-funded, commission estimated).
 */
export const OrderFinance = z
  .object({
    /**
     * Who funded totals.discount (seller + platform = discount). `platform` is everything the seller
     * does not pay for (the platform's and a creator's subsidies, e.g. Douyin platform_cost_amount),
     * which the platform settles to the seller on top of the buyer's payment.
     */
    discountFunding: z.object({ seller: Money, platform: Money }).strict().optional(),
    /** Platform charges reported for this order; absent = not reported (the reconciliation estimates). */
    fees: z.array(PlatformFee).optional(),
  })
  .strict();
export type OrderFinance = z.infer<typeof OrderFinance>;

export const OrderLine = z
  .object({
    lineId: Id,
    platformItemId: z.string().nullable().optional(),
    platformSkuId: z.string().nullable().optional(),
    /** Merchant SKU code (Taobao outer_sku_id, PDD outer_id, Douyin out_sku_id/code, JD outerSkuId, Shopify sku, Amazon SellerSKU). */
    merchantSku: z.string().nullable(),
    title: z.string(),
    spec: z.string().nullable().optional(),
    quantity: z.number().int().positive(),
    unitPrice: Money,
    /** unitPrice x quantity before discounts. */
    lineTotal: Money,
    /** Discount allocated to this line (order-level discounts spread over lines included). */
    discount: Money,
    /** What the buyer paid for this line, when the platform says. */
    paid: Money.nullable().optional(),
    status: z.enum(ORDER_STATUS).nullable().optional(),
    refundStatus: z.enum(REFUND_STATUS),
    /** Refunds paid out for this line, when the platform reports amounts and times. */
    refunds: z.array(LineRefund).optional(),
    /** Set by the gift matrix, never by an inbound mapping. */
    gift: z
      .object({
        labelPosition: z.string().nullable(),
        /**
         * The seller's text for the waybill (e.g. "赠品:智能饮水机滤芯×1"), from the gift rule.
         * Optional: lines recorded before it existed must still parse when a history replays.
         */
        waybillText: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type OrderLine = z.infer<typeof OrderLine>;

export const CANONICAL_ORDER_VERSION = 1 as const;

export const CanonicalOrder = z
  .object({
    schemaVersion: z.literal(CANONICAL_ORDER_VERSION),
    source: z
      .object({
        platform: z.enum(PLATFORM),
        channel: z.string().min(1),
        shop: z.string().min(1),
        platformOrderId: Id,
        /** Platform order number shown to people when it differs from the id (Shopify `name`). */
        displayNumber: z.string().nullable().optional(),
        rawRef: z.string().nullable().optional(),
        receivedAt: IsoDateTime,
        mapping: z.object({ id: z.string(), version: z.number().int().positive() }).strict().optional(),
      })
      .strict(),
    status: z.enum(ORDER_STATUS),
    /** The platform's status value, verbatim. */
    platformStatus: z.string(),
    /** normal, presale (deposit then balance), cod... */
    orderType: z.enum(['normal', 'presale', 'cod']).default('normal'),
    createdAt: IsoDateTime,
    paidAt: IsoDateTime.nullable().optional(),
    /**
     * When the platform last changed this snapshot (Taobao/JD `modified`, PDD `updated_at`, Douyin
     * and Youzan `update_time`, Shopify `updated_at`, Amazon `LastUpdateDate`): an older snapshot
     * arriving after a newer one is stale. Offsets differ by platform (+08:00, Z, -05:00), so
     * compare instants (Date.parse), never the strings. Optional: absent when the payload has no
     * such time, and in orders recorded before it was mapped.
     */
    updatedAt: IsoDateTime.nullable().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    totals: z
      .object({
        goods: Money,
        freight: Money,
        discount: Money,
        tax: Money.nullable().optional(),
        paid: Money,
      })
      .strict(),
    lines: z.array(OrderLine).min(1, 'an order needs at least one line'),
    buyer: z
      .object({
        /** Opaque platform handle for dedupe and risk counting (Taobao/JD oaid, PDD order_sn...). */
        handle: z.string().nullable().optional(),
        nick: Pii.nullable().optional(),
        email: Pii.nullable().optional(),
      })
      .strict()
      .optional(),
    recipient: z
      .object({ name: Pii.nullable().optional(), phone: Pii.nullable().optional() })
      .strict(),
    address: Address,
    buyerMessage: z.string().nullable().optional(),
    sellerMemo: z.string().nullable().optional(),
    sellerFlag: z.number().int().nullable().optional(),
    presale: z
      .object({ depositPaid: Money.nullable().optional(), balanceDue: Money.nullable().optional(), balancePaidAt: IsoDateTime.nullable().optional() })
      .strict()
      .optional(),
    finance: OrderFinance.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    // One currency per order: a mapping that mixes them has a bug.
    const check = (m: Money | null | undefined, path: (string | number)[]) => {
      if (m && m.currency !== o.currency) ctx.addIssue({ code: 'custom', path, message: `currency ${m.currency} differs from order currency ${o.currency}` });
    };
    for (const k of ['goods', 'freight', 'discount', 'tax', 'paid'] as const) check(o.totals[k], ['totals', k, 'currency']);
    o.lines.forEach((l, i) => {
      check(l.unitPrice, ['lines', i, 'unitPrice', 'currency']);
      check(l.lineTotal, ['lines', i, 'lineTotal', 'currency']);
      check(l.discount, ['lines', i, 'discount', 'currency']);
      check(l.paid, ['lines', i, 'paid', 'currency']);
      l.refunds?.forEach((r, j) => {
        check(r.amount, ['lines', i, 'refunds', j, 'amount', 'currency']);
        if (r.amount.minor <= 0) ctx.addIssue({ code: 'custom', path: ['lines', i, 'refunds', j, 'amount', 'minor'], message: 'a refund amount must be positive' });
      });
    });
    const f = o.finance;
    f?.fees?.forEach((fee, j) => check(fee.amount, ['finance', 'fees', j, 'amount', 'currency']));
    if (f?.discountFunding) {
      const { seller, platform } = f.discountFunding;
      check(seller, ['finance', 'discountFunding', 'seller', 'currency']);
      check(platform, ['finance', 'discountFunding', 'platform', 'currency']);
      // A split that does not add up is a mapping bug: quarantine, never adjust.
      if (seller.minor + platform.minor !== o.totals.discount.minor) {
        ctx.addIssue({ code: 'custom', path: ['finance', 'discountFunding'], message: `seller ${seller.minor} + platform ${platform.minor} differs from totals.discount ${o.totals.discount.minor}` });
      }
    }
    const ids = new Set<string>();
    o.lines.forEach((l, i) => {
      if (ids.has(l.lineId)) ctx.addIssue({ code: 'custom', path: ['lines', i, 'lineId'], message: `duplicate lineId ${l.lineId}` });
      ids.add(l.lineId);
    });
  });
export type CanonicalOrder = z.output<typeof CanonicalOrder>;

/** The hub's id for an order: stable across redeliveries, unique across channels. */
export function orderKey(channel: string, platformOrderId: string): string {
  return `${channel}:${platformOrderId}`;
}
