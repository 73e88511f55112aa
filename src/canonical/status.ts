/**
 * Canonical order status: what the platform says about the order, normalised across platforms.
 * (The hub's own lifecycle state, driven by the workflow, is a separate set in workflows/states.ts.)
 */
export const ORDER_STATUS = {
  AWAITING_PAYMENT: 'awaiting_payment',
  /** Paid and may ship. */
  PAID: 'paid',
  /** Paid but the platform forbids shipping for now (Taobao PAID_FORBID_CONSIGN, JD PAUSE/LOCKED). */
  PAID_ON_HOLD: 'paid_on_hold',
  PARTIALLY_SHIPPED: 'partially_shipped',
  SHIPPED: 'shipped',
  DELIVERED: 'delivered',
  COMPLETED: 'completed',
  /** Closed before payment (timeout or buyer cancel). */
  CANCELLED: 'cancelled',
  /** Closed after payment because everything was refunded. */
  CLOSED_BY_REFUND: 'closed_by_refund',
} as const;
export type OrderStatus = (typeof ORDER_STATUS)[keyof typeof ORDER_STATUS];

export const REFUND_STATUS = {
  NONE: 'none',
  REQUESTED: 'requested',
  AWAITING_RETURN: 'awaiting_return',
  RETURN_RECEIVED: 'return_received',
  REFUSED: 'refused',
  CLOSED: 'closed',
  REFUNDED: 'refunded',
  PARTIALLY_REFUNDED: 'partially_refunded',
} as const;
export type RefundStatus = (typeof REFUND_STATUS)[keyof typeof REFUND_STATUS];

export const PLATFORM = {
  TAOBAO: 'taobao',
  TMALL: 'tmall',
  JD: 'jd',
  PINDUODUO: 'pinduoduo',
  DOUYIN: 'douyin',
  YOUZAN: 'youzan',
  WECHAT: 'wechat',
  KUAISHOU: 'kuaishou',
  /** A seller's own mini-program or web shop, pushing through the signed own-store webhook. */
  OWN_STORE: 'own_store',
  SHOPIFY: 'shopify',
  AMAZON: 'amazon',
  ERP: 'erp',
} as const;
export type Platform = (typeof PLATFORM)[keyof typeof PLATFORM];
