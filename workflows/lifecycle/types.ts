import type { CanonicalOrder, Money } from '../../src/canonical/order.js';
import type { OrderStatus, RefundStatus } from '../../src/canonical/status.js';
import type { LifecycleState, TimelineEntry } from '../states.js';
import type { ShipConfirmAt } from './constants.js';

/** Downstream settings, resolved from config when the order starts and pinned for its life. */
export interface LifecycleSettings {
  warehouse: string;
  courier: string | null;
  remoteCourier: string | null;
  wms: string | null;
  mappings: { waybill: string | null; wms: string | null; waybillUpdate?: string | null };
  /** Minutes after payment in which an address change may still overwrite or re-issue the waybill. */
  addressWindowMinutes: number;
  sender: { name: string; phone: string; province: string; city: string; district: string; address: string };
  unpaidLockMinutes: number;
  onLockFailure: 'wait' | 'hold';
  lockRetrySeconds: number;
  pickupTimeoutHours: number;
  retry: { maximumAttempts: number; initialIntervalMs: number; backoffCoefficient: number };
  adapterRetry: Record<string, { maximumAttempts: number }>;
  rules: boolean;
  /** Platform connectors told at once when this order's lock takes a SKU to zero. */
  stockPushPlatforms?: string[];
  /** Wait between tries of a write whose system is down (its activity retries used up). */
  outageRetryMs?: number;
  /** Channel id -> legacy-ERP connector that takes shipment status + tracking number back (shipment.confirm). */
  shipmentWriteBack?: Record<string, string>;
  /**
   * Hours after the order was created that an unpaid order still waits for payment once its
   * countdown released the stock; then it is closed as unpaid_expired (the platform closes its
   * own; the hub calls nobody). Absent: 72.
   */
  unpaidCloseHours?: number;
  /** Channel id -> the platform connector told the parcel shipped (发货回传), and when. */
  shipmentConfirm?: Record<string, ShipmentConfirmSetting>;
  /** Hours after payment by which the platform must hear of the shipment; flagged before then. Absent: 48. */
  shipByHours?: number;
  /**
   * Address fields whose change re-issues the waybill inside the window; any other change (a floor
   * or door number in the detail) overwrites it. Absent: country, province, city, district.
   */
  addressReissueFields?: AddressRegionField[];
  /** Hold reason (or `*`) -> notifier connector (alert.send) told when such a hold, review or failed compensation happens. */
  notify?: Record<string, string>;
}

export type AddressRegionField = 'country' | 'province' | 'city' | 'district' | 'street';

export interface ShipmentConfirmSetting {
  connector: string;
  /** `waybill`: as soon as the waybill exists (Chinese ERPs confirm at print time); `pickup`: once the courier has it. */
  at: ShipConfirmAt;
}

/** Workflow arguments are plain JSON: the canonical order plus what produced it. */
export interface OrderLifecycleInput {
  orderKey: string;
  order: CanonicalOrder;
  /** Which mappings made and will translate the order; recorded so in-flight orders keep their versions. */
  mappings: Record<string, number>;
  receivedVia: { kind: 'webhook' | 'poll' | 'replay' | 'api'; deliveryId?: string | null };
  /** False when the cluster lacks the custom search attributes (see src/temporal/search-attributes.ts). */
  searchAttributes: boolean;
  /** Null: intake only (record the order, no downstream), for hubs without connectors. */
  settings?: LifecycleSettings | null;
  /** The hub keeps an order store: the workflow projects its view into it as it moves (projection.ts). */
  projection?: boolean;
  /**
   * A reopened order (paid after the hub closed it unpaid) is a new run of the same workflow id:
   * the store already holds the closed run's writes up to this seq, so this run numbers after it.
   */
  projectionSeqFloor?: number;
}

export interface Hold {
  reason: string;
  level: number | null;
  message: string;
  since: string;
}

export interface OrderState {
  orderKey: string;
  state: LifecycleState;
  platformStatus: string;
  timeline: TimelineEntry[];
  mappings: Record<string, number>;
  order: CanonicalOrder;
  hold: Hold | null;
  carrier: string | null;
  surcharge: Money | null;
  waybillNo: string | null;
  wmsFeedback: string | null;
  compensationsPending: string[];
  /** Set while the tracking robot has the parcel flagged (no news, or a carrier problem). */
  trackingStalled?: string;
  /** After-sales cases opened about this order (absent in orders that never had one). */
  afterSalesCases?: AfterSalesLink[];
}

/** The order's side of the link to an after-sales case. */
export interface AfterSalesLink {
  caseKey: string;
  caseNumber: string;
  type: string;
  at: string;
}

export type DecisionInput = { action: 'approve' | 'reject'; actor: string; note?: string } | { action: 'edit'; actor: string; address: CanonicalOrder['address']; note?: string };
export type DecisionAction = DecisionInput['action'];
export interface PlatformEvent {
  kind: 'paid' | 'balance_paid' | 'cancelled' | 'refunded';
  at: string;
  reason?: string;
}
export interface TrackingEvent {
  event: 'picked_up' | 'in_transit' | 'delivered';
  at: string;
  waybillNo?: string | null;
  source: string;
}

/** News from the tracking robot: traces not seen before, and a stall flagged (an object) or cleared (null). */
export interface TrackingUpdate {
  waybillNo: string;
  source: string;
  traces: { at: string; description: string; location: string | null }[];
  stalled?: { reason: string; message: string } | null;
}
/** A tracking number the WMS reported for an order that had none (单号补录). */
export interface WaybillBackfill {
  waybillNo: string;
  carrier: string;
  source: string;
}

export interface AddressChangeInput {
  address: CanonicalOrder['address'];
  source: 'platform' | 'customer_service';
  actor: string;
}
export interface AddressChangeOutcome {
  outcome: 'updated' | 'overwritten' | 'reissued' | 'needs_review' | 'courier_contacted' | 'rejected';
  reason?: string;
  waybillNo: string | null;
  carrier: string | null;
  /** A later change arrived before this one was applied; the later address won. */
  superseded: boolean;
}

/** Why and by whom an order is being cancelled. */
export interface CancelRequest {
  cause: string;
  actor: string;
}

/**
 * A later copy of the order from the platform (a re-pull, an update push), as the intake mapped
 * it. The workflow applies it only when it is not older than the newest one it applied.
 */
export interface PlatformSnapshot {
  status: OrderStatus;
  platformStatus: string;
  /** The platform's own update time of this copy; null when the platform gives none. */
  updatedAt: string | null;
  receivedAt: string;
  lines: { lineId: string; refundStatus: RefundStatus; status?: OrderStatus | null }[];
  address: CanonicalOrder['address'];
  /** When the platform says the buyer paid; absent in copies sent before the hub forwarded it. */
  paidAt?: string | null;
  /** The copy's totals (what the buyer pays may change until payment, e.g. a seller's price adjustment). */
  totals?: CanonicalOrder['totals'];
}
