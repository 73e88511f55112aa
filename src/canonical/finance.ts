/**
 * Constants of the finance fields of the canonical order (issue 16; schemas in ./order.ts).
 */

/** Kinds of platform charges on an order. */
export const FEE_KIND = {
  /** The platform's commission / technical service fee (Tmall 技术服务费, Douyin platform_service_fee). */
  COMMISSION: 'commission',
  /** A creator's or affiliate's commission (Douyin 达人 `commission`, Taobao 淘宝客). */
  AFFILIATE: 'affiliate',
  /** Payment processing and other per-order charges. */
  SERVICE: 'service',
  OTHER: 'other',
} as const;
export type FeeKind = (typeof FEE_KIND)[keyof typeof FEE_KIND];

/** Where a fee figure came from: the order payload or the platform's settlement / bill API. */
export const FEE_SOURCE = { ORDER: 'order', SETTLEMENT: 'settlement' } as const;
export type FeeSource = (typeof FEE_SOURCE)[keyof typeof FEE_SOURCE];
