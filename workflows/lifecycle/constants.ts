import { ORDER_STATUS, REFUND_STATUS, type OrderStatus, type RefundStatus } from '../../src/canonical/status.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { FAILURE_TYPE, NON_RETRYABLE_FAILURE_TYPES } from '../../src/sdk/failure-types.js';
import type { AddressRegionField } from './types.js';

/**
 * Patch ids of the order lifecycle. Each names a behaviour change; histories recorded before it
 * replay the old path. Never rename or reuse one.
 */
export const PATCH = {
  ADDRESS_CHANGE_DEBOUNCE: 'address-change-debounce',
  WAIT_OUT_OUTAGES: 'wait-out-outages',
  OUTAGE_RETRIES_BY_SERVER: 'outage-retries-by-server',
  ERP_SHIPMENT_WRITE_BACK: 'erp-shipment-write-back',
  ERP_WRITE_BACK_WAITS_OUT_OUTAGES: 'erp-write-back-waits-out-outages',
  STOCK_PUSH_ON_DEPLETION: 'stock-push-on-depletion',
  /** Orders first seen shipped (elsewhere), on platform hold or partly shipped are taken as found. */
  ORDER_AS_FOUND: 'order-as-found',
  /** The unpaid countdown releases the stock; the order keeps waiting for payment, then closes as unpaid_expired. */
  UNPAID_RELEASES_STOCK: 'unpaid-countdown-releases-stock',
  /** Platform holds and open refund requests stop the order before each shipping step. */
  PLATFORM_GATE: 'platform-gate',
  /** The platform is told the parcel shipped (发货回传). */
  SHIP_CONFIRM: 'platform-ship-confirm',
  /** A refund request after the WMS push intercepts the parcel and waits for the refund's outcome. */
  REFUND_INTERCEPT: 'refund-intercept',
  /** Gift notes on the waybill use the configured waybillText instead of an English default. */
  GIFT_WAYBILL_TEXT: 'gift-waybill-text',
  /** An address change sent to review is a real decision: approve applies it, reject keeps the old address. */
  ADDRESS_REVIEW_DECISIONS: 'address-review-decisions',
  /** Holds, failed compensations and reviews notify the people configured for their kind. */
  HOLD_NOTIFICATIONS: 'hold-notifications',
  /** A watcher flags and notifies an order not confirmed to the platform near its ship-by deadline. */
  SHIP_BY_DEADLINE: 'ship-by-deadline',
  /** A waybill or WMS push the system refuses goes to a person instead of failing the workflow. */
  DISPATCH_REFUSALS_TO_A_PERSON: 'dispatch-refusals-to-a-person',
  /** The WMS accepted the trade: the stock hold is handed to it, so its stock readings are not counted twice. */
  STOCK_HANDED_TO_WMS: 'stock-handed-to-wms',
  /** A WMS refusing an order sent again (address change, partial refund) goes to a person instead of failing the workflow. */
  REPUSH_REFUSALS_TO_A_PERSON: 'repush-refusals-to-a-person',
  /** The tracking robot's traces and stall flags go on the timeline; a WMS-reported waybill fills a missing one (单号补录). */
  TRACKING_ROBOT: 'tracking-robot',
  /** A refund requested after pickup opens an after-sales case instead of only being noted. */
  REFUND_AFTER_PICKUP_CASE: 'refund-after-pickup-case',
  /** The workflow writes its view of the order into the order store (PostgreSQL) as it moves. */
  ORDER_STORE_PROJECTION: 'order-store-projection',
  /** Record, rules, stock lock and their compensations run as local activities (server-retried activities once Redis stays away). */
  LOCAL_STORE_STEPS: 'local-store-steps',
  /** A refund after pickup of a line the platform's own after-sale claimed first joins that case instead of opening a second. */
  REFUND_CASE_JOINS_PLATFORM_CASE: 'refund-case-joins-platform-case',
  /** A notice whose channel (or the outbox in Redis) is down past its retries waits for it beside the order instead of being dropped. */
  NOTICES_WAIT_OUT_OUTAGES: 'notices-wait-out-outages',
  /** The saga's WMS intercept waits out a WMS outage instead of going to a person after its retries. */
  INTERCEPT_UNDO_WAITS_OUT_OUTAGES: 'intercept-undo-waits-out-outages',
  /** A reopened order's store writes are numbered after the closed run's, so the store follows the new run. */
  PROJECTION_SEQ_AFTER_REOPEN: 'projection-seq-after-reopen',
  /** A paid copy that reaches a run the hub closed unpaid a moment before (still writing its last view) continues it as a new run. */
  PAID_WHILE_CLOSING_REOPENS: 'paid-while-closing-reopens',
  /** An order first seen unpaid takes its pay time and totals from the platform's paid copy (the store and the reconciliation read them). */
  PAYMENT_FROM_PLATFORM_COPY: 'payment-from-platform-copy',
} as const;

/** The capabilities and canonical order statuses: the SDK's and the canonical model's own tables (pure data, shared with workflows). */
export { CAPABILITY, ORDER_STATUS };

/** The hub's failure types and the one non-retryable list every activity policy uses (pure data, shared with src/). */
export { FAILURE_TYPE };
export const NON_RETRYABLE_TYPES: readonly string[] = NON_RETRYABLE_FAILURE_TYPES;

/** Hold reasons the lifecycle itself raises (rules add their own codes). */
export const HOLD_REASON = {
  INSUFFICIENT_STOCK: 'insufficient_stock',
  PICKUP_OVERDUE: 'pickup_overdue',
  COMPENSATION_FAILED: 'compensation_failed',
  ADDRESS_CHANGE_REVIEW: 'address_change_review',
  DOWNSTREAM_UNAVAILABLE: 'downstream_unavailable',
  PLATFORM_HOLD: 'platform_hold',
  REFUND_REQUESTED: 'refund_requested',
  SHIP_CONFIRM_REFUSED: 'ship_confirm_refused',
  SHIP_CONFIRM_OUTDATED: 'ship_confirm_outdated',
  SHIP_BY_NEAR: 'ship_by_near',
  WAYBILL_REFUSED: 'waybill_refused',
  WMS_PUSH_REFUSED: 'wms_push_refused',
  /** Not a hold: the parcel has had no tracking news for too long, or the carrier reports a problem. */
  TRACKING_STALLED: 'tracking_stalled',
} as const;

/** Changes arriving within this time of each other are applied once, with the last address. */
export const ADDRESS_DEBOUNCE_MS = 2000;

/** When the platform hears the parcel shipped: at the waybill (print time, as Chinese ERPs do) or at pickup. */
export const SHIP_CONFIRM_AT = { WAYBILL: 'waybill', PICKUP: 'pickup' } as const;
export type ShipConfirmAt = (typeof SHIP_CONFIRM_AT)[keyof typeof SHIP_CONFIRM_AT];

/** The platform has the parcel moving or delivered: nothing is left for the hub to ship. */
export const SHIPPED_ORDER_STATUSES: readonly OrderStatus[] = [ORDER_STATUS.SHIPPED, ORDER_STATUS.DELIVERED, ORDER_STATUS.COMPLETED];

/** A refund request still being decided or returned: the goods must not leave. */
export const OPEN_REFUND_STATUSES: readonly RefundStatus[] = [REFUND_STATUS.REQUESTED, REFUND_STATUS.AWAITING_RETURN, REFUND_STATUS.RETURN_RECEIVED];

/** Platforms close an unpaid order themselves within days; the hub stops waiting after this (config: lifecycle.unpaidCloseHours). */
export const DEFAULT_UNPAID_CLOSE_HOURS = 72;
/** Platforms penalise a shipment confirmed later than this after payment (config: lifecycle.shipByHours). */
export const DEFAULT_SHIP_BY_HOURS = 48;

/** Orders started before lifecycle.addressReissueFields existed re-issue on these (the seeds: a new city or district). */
export const DEFAULT_REISSUE_FIELDS: readonly AddressRegionField[] = ['country', 'province', 'city', 'district'];
