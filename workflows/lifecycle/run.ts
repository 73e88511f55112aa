import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CanonicalOrder, Money } from '../../src/canonical/order.js';
import { LIFECYCLE_STATE, type LifecycleState, type TimelineEntry } from '../states.js';
import { SA_HOLD_REASON, SA_ORDER_STATUS } from '../search-attributes.js';
import { OPEN_REFUND_STATUSES } from './constants.js';
import type { AddressChangeInput, AfterSalesLink, AddressChangeOutcome, CancelRequest, DecisionInput, Hold, LifecycleSettings, OrderLifecycleInput, OrderState, PlatformSnapshot, TrackingEvent } from './types.js';

/** One compensation of the saga: registered BEFORE its step runs, run in reverse. */
export interface Compensation {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Everything one order's run knows, in one place: what the platform said, where the order is,
 * what downstream holds for it, and what people asked of it. Steps read and change it; the
 * signal and update handlers write the fields they own (paid, cancelRequest, tracking, ...).
 */
export class OrderRun {
  readonly workflowId: string;
  readonly s: LifecycleSettings | null;
  readonly order: CanonicalOrder;
  state: LifecycleState = LIFECYCLE_STATE.RECEIVED;
  readonly timeline: TimelineEntry[] = [];
  hold: Hold | null = null;
  carrier: string | null = null;
  surcharge: Money | null = null;
  waybillNo: string | null = null;
  wmsFeedback: string | null = null;

  // What the platform said about payment.
  paid: boolean;
  paidVia: string | null = null;
  balancePaid: boolean;
  paidSeenAt = Date.now();

  /** The platform forbids shipping for now (Taobao PAID_FORBID_CONSIGN, JD PAUSE/LOCKED, Youzan WAIT_CONFIRM). */
  platformHold = false;
  /** The platform says the order shipped without us (status shipped/delivered/completed before our waybill). */
  shippedElsewhere: string | null = null;
  /** Update time of the newest platform snapshot applied: an older one is stale. */
  newestSnapshotAt: string | null;
  /** A paid copy that arrived once the hub had already closed the order unpaid (the run was winding down). */
  paidWhileClosing: PlatformSnapshot | null = null;
  /** Lines with a refund request still open on the platform: nothing ships while one is. */
  readonly openRefunds = new Set<string>();
  /** Lines the platform refunded after intake: they no longer ship or take stock. */
  readonly refundedLines = new Set<string>();
  /** Notices sent per kind, so each event's idempotency key is its own. */
  readonly notified = new Map<string, number>();
  /** The waybill the platform was told of (发货回传); null until confirmed. */
  confirmedWaybill: string | null = null;
  /** The tracking robot's stall flag (no_change, carrier_problem), null while the parcel moves. */
  trackingStalled: string | null = null;
  /** The outbound order was intercepted at the WMS for a refund request. */
  wmsIntercepted = false;
  /** How a cancelled run ends when not plainly cancelled (closed as unpaid_expired, refunded...). */
  closeAs: { state: LifecycleState; reason: string } | null = null;

  // What people and the platform asked for.
  cancelRequest: CancelRequest | null = null;
  cancelOutcome: { cancelled: boolean; failedCompensations: string[] } | null = null;
  pendingDecision: DecisionInput | null = null;
  decisionsTaken = 0;
  readonly tracking: { pickedUp: TrackingEvent | null; delivered: TrackingEvent | null } = { pickedUp: null, delivered: null };

  /** Saga: each compensation is pushed BEFORE its step runs (a step that timed out may still have taken effect at the other end). */
  readonly compensations: Compensation[] = [];

  /** Record, rules and stock lock run as local activities (PATCH.LOCAL_STORE_STEPS, set once at the start). */
  localSteps = false;

  // Stock hold, waybill and WMS state.
  lockAttempt = 0;
  holdKey: string;
  /** The hold last handed to the WMS: a push sent again does not hand it twice. */
  handedHoldKey: string | null = null;
  courierConn: string | null = null;
  waybillSeq = 0;
  waybillKey: string | null = null;
  carrierOrderId: string | null = null;
  wmsSeq = 0;

  // Address changes, queued by the update handler and applied between steps.
  readonly addressQueue: { seq: number; input: AddressChangeInput; review?: DecisionInput }[] = [];
  /** The change a person must look at (outside the window, after pickup); decided with `decide`. */
  pendingReview: { change: AddressChangeInput; reason: string } | null = null;
  readonly addressResults = new Map<number, AddressChangeOutcome>();
  addressSeq = 0;

  /** After-sales cases opened about this order, by case key. */
  readonly afterSalesCases = new Map<string, AfterSalesLink>();
  /** Lines whose refund after pickup already opened a case. */
  readonly caseOpenedFor = new Set<string>();
  /** Case starts and case messages under way: the order does not complete in the middle of one. */
  caseCallsBusy = 0;

  /** The ERP write-backs still on their way, in order: the ERP sees shipped before delivered. */
  writeBacks: Promise<void> = Promise.resolve();

  constructor(readonly input: OrderLifecycleInput) {
    this.workflowId = workflowInfo().workflowId;
    this.s = input.settings ?? null;
    this.order = { ...input.order, lines: [...input.order.lines] };
    this.paid = this.order.status !== 'awaiting_payment';
    this.balancePaid = this.order.orderType !== 'presale' || Boolean(this.order.presale?.balancePaidAt);
    this.holdKey = this.lockKey();
    this.newestSnapshotAt = this.order.updatedAt ?? null;
    // As found: the steps act on these only behind their patches (old histories never saw them).
    this.platformHold = this.order.status === 'paid_on_hold';
    for (const l of this.order.lines) if (OPEN_REFUND_STATUSES.includes(l.refundStatus)) this.openRefunds.add(l.lineId);
  }

  now(): string {
    return new Date().toISOString();
  }

  note(cause: string, actor = 'hub'): void {
    this.timeline.push({ state: this.state, at: this.now(), cause, actor });
  }

  /** `doneAt`: when a local activity finished the step (epoch ms), later than the task's clock. */
  moveTo(next: LifecycleState, cause: string, actor = 'hub', doneAt?: number): void {
    this.state = next;
    const at = doneAt !== undefined && doneAt > Date.now() ? new Date(doneAt).toISOString() : this.now();
    this.timeline.push({ state: next, at, cause, actor });
    if (this.input.searchAttributes) upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: next }]);
  }

  /** The HoldReason search attribute, so SREs can list what waits and why. */
  showHoldReason(reason: string | null): void {
    if (this.input.searchAttributes) upsertSearchAttributes([{ key: SA_HOLD_REASON, value: reason }]);
  }

  showState(state: LifecycleState): void {
    if (this.input.searchAttributes) upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: state }]);
  }

  /** A fresh stock-hold key: the countdown sweep or a closed hold made the old one unusable. */
  nextLockKey(): void {
    this.lockAttempt++;
    this.holdKey = this.lockKey();
    this.newestSnapshotAt = this.order.updatedAt ?? null;
    // As found: the steps act on these only behind their patches (old histories never saw them).
    this.platformHold = this.order.status === 'paid_on_hold';
    for (const l of this.order.lines) if (OPEN_REFUND_STATUSES.includes(l.refundStatus)) this.openRefunds.add(l.lineId);
  }

  private lockKey(): string {
    return `${this.workflowId}:lock-${this.lockAttempt}`;
  }

  markDecisionTaken(): void {
    this.decisionsTaken++;
  }

  snapshot(): OrderState {
    return {
      orderKey: this.input.orderKey,
      state: this.state,
      platformStatus: this.order.platformStatus,
      timeline: this.timeline,
      mappings: this.input.mappings,
      order: this.order,
      hold: this.hold,
      carrier: this.carrier,
      surcharge: this.surcharge,
      waybillNo: this.waybillNo,
      wmsFeedback: this.wmsFeedback,
      compensationsPending: this.compensations.map((c) => c.name),
      ...(this.trackingStalled ? { trackingStalled: this.trackingStalled } : {}),
      ...(this.afterSalesCases.size ? { afterSalesCases: [...this.afterSalesCases.values()] } : {}),
    };
  }
}
