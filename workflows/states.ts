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

/** The cause the lifecycle writes when the hub itself closes an order nobody paid for (lifecycle.unpaidCloseHours). */
const HUB_UNPAID_CLOSE = /^unpaid_expired\b/;

/**
 * The order ended because the hub's own unpaid close ran out (not the platform's close, not a
 * cancel): a paid copy may start it again. Read by intake (a finished run) and by the workflow
 * (a run still writing its last view).
 */
export function closedUnpaidByHub(state: string, timeline: readonly Pick<TimelineEntry, 'cause' | 'actor'>[]): boolean {
  const last = timeline.at(-1);
  return state === LIFECYCLE_STATE.CLOSED && last !== undefined && last.actor === 'hub' && HUB_UNPAID_CLOSE.test(last.cause);
}
