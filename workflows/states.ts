/**
 * The hub's lifecycle states for one order, driven by the orderLifecycle workflow.
 * Kept in workflows/ (pure data, no imports) so workflow and hub code share one definition.
 */
export const LIFECYCLE_STATE = {
  RECEIVED: 'received',
  AWAITING_PAYMENT: 'awaiting_payment',
  PAID: 'paid',
  RISK_CHECK: 'risk_check',
  ON_HOLD: 'on_hold',
  /** Paid, but the platform says not to ship yet: its own hold, or a refund request still open. */
  PLATFORM_HOLD: 'platform_hold',
  INVENTORY_LOCKED: 'inventory_locked',
  WAYBILL_ISSUED: 'waybill_issued',
  PUSHED_TO_WMS: 'pushed_to_wms',
  IN_TRANSIT: 'in_transit',
  DELIVERED: 'delivered',
  COMPLETED: 'completed',
  CANCELLED: 'cancelled',
  CLOSED: 'closed',
} as const;
export type LifecycleState = (typeof LIFECYCLE_STATE)[keyof typeof LIFECYCLE_STATE];

export interface TimelineEntry {
  state: LifecycleState;
  /** ISO-8601, from workflow time (deterministic on replay). */
  at: string;
  cause: string;
  actor: string;
}
