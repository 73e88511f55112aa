import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  sleep,
  ParentClosePolicy,
  patched,
  startChild,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../src/activities/index.js';
import type { CanonicalOrder, Money, OrderLine } from '../src/canonical/order.js';
import { LIFECYCLE_STATE, type LifecycleState, type TimelineEntry } from './states.js';
import { SA_HOLD_REASON, SA_ORDER_STATUS } from './search-attributes.js';
import { stockSync } from './stock-sync.js';

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
}

export type DecisionInput = { action: 'approve' | 'reject'; actor: string; note?: string } | { action: 'edit'; actor: string; address: CanonicalOrder['address']; note?: string };
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

export interface AddressChangeInput {
  address: CanonicalOrder['address'];
  source: 'platform' | 'customer_service';
  actor: string;
}
export interface AddressChangeOutcome {
  outcome: 'updated' | 'overwritten' | 'reissued' | 'needs_review';
  reason?: string;
  waybillNo: string | null;
  carrier: string | null;
  /** A later change arrived before this one was applied; the later address won. */
  superseded: boolean;
}

export const getOrderState = defineQuery<OrderState>('getOrderState');
/** A changed delivery address, answered with what was done about it. */
export const changeAddress = defineUpdate<AddressChangeOutcome, [AddressChangeInput]>('changeAddress');
export const platformEvent = defineSignal<[PlatformEvent]>('platformEvent');
export const trackingEvent = defineSignal<[TrackingEvent]>('trackingEvent');
/** Operator decision on a held order; answers once the workflow has acted on it. */
export const decide = defineUpdate<{ state: LifecycleState; hold: Hold | null }, [DecisionInput]>('decide');
/** Cancel before shipping; answers after compensations ran (or why it could not). */
export const cancelOrder = defineUpdate<{ cancelled: boolean; state: LifecycleState; failedCompensations: string[] }, [{ cause: string; actor: string }]>('cancelOrder');

/** Changes arriving within this time of each other are applied once, with the last address. */
const ADDRESS_DEBOUNCE_MS = 2000;

const SHIPPED_STATES: readonly LifecycleState[] = [LIFECYCLE_STATE.IN_TRANSIT, LIFECYCLE_STATE.DELIVERED, LIFECYCLE_STATE.COMPLETED];
const FINAL_STATES: readonly LifecycleState[] = [LIFECYCLE_STATE.COMPLETED, LIFECYCLE_STATE.CANCELLED, LIFECYCLE_STATE.CLOSED];

// Redis-backed steps (record, rules, locks): retried for as long as Redis is down, so an outage
// makes the order wait at the step it reached (never past the lock unlocked), instead of failing it.
const store = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});
// Compensations must not give up early: a failure here means a parcel or a lock left behind.
const compensate = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 8, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const NON_RETRYABLE_TYPES: readonly string[] = ['AdapterRejected', 'CapabilityNotSupported', 'MappingFailed', 'NotConfigured', 'UnknownCapability'];

/**
 * `outageRetryMs` set: the call of an order waiting out an outage. Its retry policy has no attempt
 * limit and a fixed interval, so the server retries it for as long as the outage lasts and the
 * history holds one activity however long that is (a workflow-side sleep-and-retry loop adds
 * about ten events per try: a weekend-long outage at 30 s would pass Temporal's 51,200-event limit
 * and the order would be terminated). A breaker's `nextRetryDelay` still sets each wait.
 */
function adapterActivities(s: LifecycleSettings, connector: string, outageRetryMs?: number) {
  const opts: ActivityOptions = {
    startToCloseTimeout: '30 seconds',
    retry:
      outageRetryMs === undefined
        ? {
            maximumAttempts: s.adapterRetry[connector]?.maximumAttempts ?? s.retry.maximumAttempts,
            initialInterval: s.retry.initialIntervalMs,
            backoffCoefficient: s.retry.backoffCoefficient,
            nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
          }
        : { initialInterval: outageRetryMs, backoffCoefficient: 1, maximumInterval: outageRetryMs, nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES] },
  };
  return proxyActivities<Activities>(opts);
}

/** An activity that gave up on something retrying may fix: the system was down, not wrong. */
function isOutage(err: unknown): err is ActivityFailure {
  if (!(err instanceof ActivityFailure) || isCancellation(err)) return false;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) return !cause.nonRetryable && !NON_RETRYABLE_TYPES.includes(cause.type ?? '');
  return true; // timeouts and lost workers
}

function stringField(v: unknown, key: string): string | null {
  if (typeof v !== 'object' || v === null || !(key in v)) return null;
  const x: unknown = Object.getOwnPropertyDescriptor(v, key)?.value;
  return typeof x === 'string' && x !== '' ? x : typeof x === 'number' ? String(x) : null;
}

export async function orderLifecycle(input: OrderLifecycleInput): Promise<OrderState> {
  const { workflowId } = workflowInfo();
  const s = input.settings ?? null;
  const order: CanonicalOrder = { ...input.order, lines: [...input.order.lines] };
  const timeline: TimelineEntry[] = [];
  let state: LifecycleState = LIFECYCLE_STATE.RECEIVED;
  let hold: Hold | null = null;
  let carrier: string | null = null;
  let surcharge: Money | null = null;
  let waybillNo: string | null = null;
  let wmsFeedback: string | null = null;
  let paid = order.status !== 'awaiting_payment';
  let paidVia: string | null = null;
  let balancePaid = order.orderType !== 'presale' || Boolean(order.presale?.balancePaidAt);
  let cancelRequest: { cause: string; actor: string } | null = null;
  let cancelOutcome: { cancelled: boolean; failedCompensations: string[] } | null = null;
  let pendingDecision: DecisionInput | null = null;
  let decisionsTaken = 0;
  // Set from signal handlers: held in an object so the compiler does not narrow them to null.
  const tracking: { pickedUp: TrackingEvent | null; delivered: TrackingEvent | null } = { pickedUp: null, delivered: null };
  // Saga: each compensation is pushed BEFORE its step runs (a step that timed out may still have
  // taken effect at the other end), and they run in reverse.
  const compensations: { name: string; run: () => Promise<unknown> }[] = [];

  const now = () => new Date().toISOString();
  const note = (cause: string, actor = 'hub') => timeline.push({ state, at: now(), cause, actor });
  const moveTo = (next: LifecycleState, cause: string, actor = 'hub') => {
    state = next;
    timeline.push({ state: next, at: now(), cause, actor });
    if (input.searchAttributes) upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: next }]);
  };
  const snapshot = (): OrderState => ({
    orderKey: input.orderKey,
    state,
    platformStatus: order.platformStatus,
    timeline,
    mappings: input.mappings,
    order,
    hold,
    carrier,
    surcharge,
    waybillNo,
    wmsFeedback,
    compensationsPending: compensations.map((c) => c.name),
  });

  setHandler(getOrderState, snapshot);
  setHandler(platformEvent, (e) => {
    // Redeliveries repeat news: only what changes something goes on the timeline.
    if (e.kind === 'paid') {
      if (paid) return;
      paid = true;
      paidVia = e.reason ?? 'platform event paid';
    } else if (e.kind === 'balance_paid') {
      if (balancePaid) return;
      balancePaid = true;
    } else {
      if (cancelRequest) return;
      cancelRequest = { cause: `platform: ${e.kind}${e.reason ? ` (${e.reason})` : ''}`, actor: 'platform' };
    }
    note(`platform event ${e.kind}`, 'platform');
  });
  setHandler(trackingEvent, (e) => {
    if (e.event === 'delivered') {
      tracking.delivered ??= e;
      tracking.pickedUp ??= e;
    } else tracking.pickedUp ??= e;
  });
  setHandler(
    decide,
    async (d) => {
      pendingDecision = d;
      const taken = decisionsTaken;
      await condition(() => decisionsTaken > taken);
      return { state, hold };
    },
    {
      validator: (d) => {
        if (state !== LIFECYCLE_STATE.ON_HOLD) throw new Error(`order is ${state}, not on hold: nothing to decide`);
        if (d.action === 'edit' && !d.address) throw new Error('edit needs an address');
      },
    },
  );
  setHandler(
    cancelOrder,
    async (c) => {
      cancelRequest ??= c;
      await condition(() => cancelOutcome !== null);
      return { cancelled: cancelOutcome?.cancelled ?? false, state, failedCompensations: cancelOutcome?.failedCompensations ?? [] };
    },
    {
      validator: (_c) => {
        if (SHIPPED_STATES.includes(state)) throw new Error(`order is ${state}: cancelling after pickup is an after-sales return`);
        if (FINAL_STATES.includes(state)) throw new Error(`order is already ${state}`);
      },
    },
  );

  /** Puts the order in the pending-decision queue and waits for an operator. */
  const waitForDecision = async (reason: string, level: number | null, message: string, actions: ('approve' | 'reject' | 'edit')[]): Promise<DecisionInput | 'cancelled'> => {
    const before = state;
    hold = { reason, level, message, since: now() };
    moveTo(LIFECYCLE_STATE.ON_HOLD, `${reason}: ${message}`);
    if (input.searchAttributes) upsertSearchAttributes([{ key: SA_HOLD_REASON, value: reason }]);
    await store.requestDecision({ orderKey: input.orderKey, workflowId, reason, level, message, since: hold.since, actions });
    for (;;) {
      await condition(() => pendingDecision !== null || cancelRequest !== null || addressQueue.length > 0);
      if (pendingDecision !== null || cancelRequest !== null) break;
      await processAddressChanges(); // a held order's address may still change (no waybill yet)
    }
    const d: DecisionInput | null = pendingDecision;
    pendingDecision = null;
    hold = null;
    if (input.searchAttributes) upsertSearchAttributes([{ key: SA_HOLD_REASON, value: null }]);
    await store.clearDecision({ orderKey: input.orderKey });
    if (!d) return 'cancelled';
    state = before;
    timeline.push({ state: before, at: now(), cause: `decision: ${d.action}${d.note ? ` (${d.note})` : ''}`, actor: d.actor });
    if (input.searchAttributes) upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: before }]);
    return d;
  };
  const markDecisionTaken = () => {
    decisionsTaken++;
  };

  /** Runs the saga backwards; a compensation that still fails after its retries goes to a person. */
  const runCompensations = async (cause: string, actor: string): Promise<string[]> => {
    const failed: string[] = [];
    await CancellationScope.nonCancellable(async () => {
      while (compensations.length) {
        const c = compensations.pop();
        if (!c) break;
        try {
          await c.run();
          note(`compensated: ${c.name}`, actor);
        } catch (err) {
          failed.push(c.name);
          note(`compensation failed: ${c.name}: ${err instanceof Error ? err.message : String(err)}`, actor);
        }
      }
    });
    if (failed.length) {
      await CancellationScope.nonCancellable(async () => {
        hold = { reason: 'compensation_failed', level: null, message: `could not undo: ${failed.join(', ')}`, since: now() };
        await store.requestDecision({ orderKey: input.orderKey, workflowId, reason: 'compensation_failed', level: null, message: `${cause}; could not undo: ${failed.join(', ')}`, since: hold.since, actions: ['approve'] });
      });
    }
    return failed;
  };

  const cancel = async (): Promise<OrderState> => {
    const req = cancelRequest ?? { cause: 'cancelled', actor: 'hub' };
    const failed = await runCompensations(req.cause, req.actor);
    moveTo(order.status === 'closed_by_refund' ? LIFECYCLE_STATE.CLOSED : LIFECYCLE_STATE.CANCELLED, req.cause, req.actor);
    cancelOutcome = { cancelled: true, failedCompensations: failed };
    markDecisionTaken();
    return snapshot();
  };

  /**
   * A write to a system that is down never falls back and never fails the order: once the
   * activity's retries (each waiting out the open circuit) are used up, the order notes the
   * outage, shows it in its hold-reason search attribute and tries again every outageRetryMs with
   * the same idempotency key, so the receiver sees the push once however often it is retried.
   * `run(outageRetryMs)` is handed the interval once the order waits: the call is then one activity
   * the server retries until the system answers (see adapterActivities); histories recorded before
   * that (no 'outage-retries-by-server' marker) replay the workflow-side sleep loop.
   */
  const outageRetrying = async <T>(what: string, connector: string, run: (outageRetryMs?: number) => Promise<T>): Promise<T> => {
    let waiting = false;
    let serverRetries = false;
    const waitMs = s?.outageRetryMs ?? 30_000;
    for (;;) {
      try {
        const out = await run(serverRetries ? waitMs : undefined);
        if (waiting) {
          note(`${connector} reachable again: ${what} done`);
          if (input.searchAttributes) upsertSearchAttributes([{ key: SA_HOLD_REASON, value: hold?.reason ?? null }]);
        }
        return out;
      } catch (err) {
        if (!isOutage(err) || !patched('wait-out-outages')) throw err;
        if (!waiting) {
          waiting = true;
          note(`${what}: ${connector} unavailable (${err.cause?.message ?? err.message}); retrying every ${Math.round(waitMs / 1000)}s until it answers`);
          if (input.searchAttributes) upsertSearchAttributes([{ key: SA_HOLD_REASON, value: 'downstream_unavailable' }]);
          if (patched('outage-retries-by-server')) {
            serverRetries = true;
            continue;
          }
        }
        // Only histories from before the marker get here again: the server-retried call never
        // gives up on an outage.
        await sleep(waitMs);
      }
    }
  };

  // ---- waybill, WMS and address changes (issue: dual-track waybill) ----
  let courierConn: string | null = null;
  let waybillSeq = 0;
  let waybillKey: string | null = null;
  let carrierOrderId: string | null = null;
  let wmsSeq = 0;
  let reviewPending = false;
  const paidAtMs = (): number => (order.paidAt ? Date.parse(order.paidAt) : paidSeenAt);
  let paidSeenAt = Date.now();

  const courierFor = (c: string | null): string | null => (s ? (c === 'EMS' ? (s.remoteCourier ?? s.courier) : s.courier) : null);
  const issueWaybill = async (conn: string): Promise<void> => {
    if (!s) return;
    waybillSeq++;
    const key = `${workflowId}:waybill-${waybillSeq}`;
    waybillKey = key;
    carrierOrderId = null;
    const res = await outageRetrying('waybill', conn, (retryEveryMs) =>
      adapterActivities(s, conn, retryEveryMs).invokeAdapter({
        connector: conn,
        capability: 'waybill.create',
        idempotencyKey: key,
        input: { order, orderId: key, sender: s.sender, surcharge, notes: order.lines.filter((l) => l.gift).map((l) => `Gift: ${l.title} x${l.quantity}`) },
        mapping: s.mappings.waybill ? { id: s.mappings.waybill, context: { orderId: key } } : null,
      }),
    );
    waybillNo = stringField(res, 'waybillNo');
    carrierOrderId = stringField(res, 'orderId');
    courierConn = conn;
  };
  const cancelCurrentWaybill = async (why: string): Promise<void> => {
    if (!s || !courierConn || !waybillKey) return;
    const conn = courierConn;
    // The carrier's own order id comes back from create; until then the key it was derived from.
    await adapterActivities(s, conn).invokeAdapter({ connector: conn, capability: 'waybill.cancel', idempotencyKey: `${waybillKey}:cancel`, input: { orderId: carrierOrderId ?? waybillKey, ...(waybillNo ? { waybillNo } : {}) } });
    note(`waybill ${waybillNo ?? waybillKey} cancelled at ${conn}: ${why}`);
  };
  const pushToWms = async (): Promise<void> => {
    if (!s?.wms) return;
    wmsSeq++;
    const wms = s.wms;
    const key = `${workflowId}:wms-${wmsSeq}`;
    const res = await outageRetrying('WMS push', wms, (retryEveryMs) =>
      adapterActivities(s, wms, retryEveryMs).invokeAdapter({
        connector: wms,
        capability: 'wms.order.push',
        idempotencyKey: key,
        input: { order, orderKey: input.orderKey, waybillNo, carrier },
        mapping: s.mappings.wms ? { id: s.mappings.wms, context: { waybillNo, carrier } } : null,
      }),
    );
    wmsFeedback = stringField(res, 'feedbackCode') ?? stringField(res, 'wmsCode') ?? stringField(res, 'code');
  };

  const addressQueue: { seq: number; input: AddressChangeInput }[] = [];
  const addressResults = new Map<number, AddressChangeOutcome>();
  let addressSeq = 0;
  setHandler(
    changeAddress,
    async (change) => {
      const seq = ++addressSeq;
      addressQueue.push({ seq, input: change });
      await condition(() => addressResults.has(seq));
      return addressResults.get(seq) ?? { outcome: 'needs_review', reason: 'lost', waybillNo, carrier: courierConn, superseded: false };
    },
    {
      validator: (_change) => {
        if (FINAL_STATES.includes(state)) throw new Error(`order is ${state}: its address can no longer change`);
      },
    },
  );

  const applyAddressChange = async (change: AddressChangeInput): Promise<AddressChangeOutcome> => {
    const before = order.address;
    const after = change.address;
    const audit = (outcome: AddressChangeOutcome['outcome'], reason?: string) =>
      store.auditAddressChange({ orderKey: input.orderKey, at: now(), actor: change.actor, source: change.source, outcome, reason: reason ?? null, before, after });
    const review = async (reason: string): Promise<AddressChangeOutcome> => {
      note(`address change needs review: ${reason}`, change.actor);
      reviewPending = true;
      await store.requestDecision({ orderKey: input.orderKey, workflowId, reason: 'address_change_review', level: null, message: `address change from ${change.source} (${change.actor}): ${reason}`, since: now(), actions: ['approve'] });
      await audit('needs_review', reason);
      return { outcome: 'needs_review', reason, waybillNo, carrier: courierConn, superseded: false };
    };
    if (SHIPPED_STATES.includes(state) || tracking.pickedUp) return review('the parcel has been picked up');
    if (!s || !waybillNo) {
      order.address = after;
      if (s?.rules) {
        const check = await store.checkOrderRules({ orderKey: input.orderKey, order });
        carrier = check.carrier;
        surcharge = check.surcharge;
      }
      note(`address updated (no waybill yet) by ${change.source}`, change.actor);
      await audit('updated');
      return { outcome: 'updated', waybillNo, carrier: courierConn, superseded: false };
    }
    const windowEnds = paidAtMs() + s.addressWindowMinutes * 60_000;
    if (Date.now() > windowEnds) return review(`outside the ${s.addressWindowMinutes}-minute window after payment`);
    const regionChanged = before.province !== after.province || before.city !== after.city || before.district !== after.district || before.country !== after.country;
    order.address = after;
    if (!regionChanged) {
      // Same district: overwrite the receiver on the live waybill.
      const conn = courierConn ?? '';
      const updateKey = `${waybillKey ?? workflowId}:update-${addressSeq}`;
      await outageRetrying('waybill update', conn, (retryEveryMs) =>
        adapterActivities(s, conn, retryEveryMs).invokeAdapter({
          connector: conn,
          capability: 'waybill.update',
          idempotencyKey: updateKey,
          input: { order, orderId: carrierOrderId ?? waybillKey, waybillNo, sender: s.sender, surcharge, notes: [] },
          mapping: s.mappings.waybillUpdate ? { id: s.mappings.waybillUpdate, context: {} } : null,
        }),
      );
      await pushToWms();
      note(`waybill ${waybillNo} overwritten with the new street address (${change.source})`, change.actor);
      await audit('overwritten');
      return { outcome: 'overwritten', waybillNo, carrier: courierConn, superseded: false };
    }
    // Another city or district: cancel, re-choose the carrier (remote areas go EMS), issue anew.
    await cancelCurrentWaybill('address moved to another district');
    if (s.rules) {
      const check = await store.checkOrderRules({ orderKey: input.orderKey, order });
      carrier = check.carrier;
      surcharge = check.surcharge;
    }
    const conn = courierFor(carrier) ?? courierConn ?? '';
    await issueWaybill(conn);
    note(`waybill re-issued: ${waybillNo} from ${conn}; re-pickup requested`, change.actor);
    await pushToWms();
    await audit('reissued');
    return { outcome: 'reissued', waybillNo, carrier: courierConn, superseded: false };
  };

  /** Applies queued changes between steps, never during one: the last address wins, one re-issue at most. */
  const processAddressChanges = async (): Promise<void> => {
    while (addressQueue.length) {
      // A short quiet period lets a burst of changes (a buyer correcting twice) become one.
      if (patched('address-change-debounce')) await sleep(ADDRESS_DEBOUNCE_MS);
      const batch = addressQueue.splice(0);
      const last = batch[batch.length - 1];
      if (!last) break;
      const outcome = await applyAddressChange(last.input);
      for (const b of batch) addressResults.set(b.seq, b === last ? outcome : { ...outcome, superseded: true });
    }
  };

  /**
   * Orders from a legacy ERP get their shipment status and tracking number written back to it
   * (the ERP's table or procedure, by ODBC), keyed by order + event so a retry writes once. A
   * failed write-back is put on the timeline and never holds a moving parcel.
   */
  /** The ERP write-backs still on their way, in order: the ERP sees shipped before delivered. */
  let writeBacks: Promise<void> = Promise.resolve();
  /**
   * Writes shipment status and tracking number back to the order's ERP. Like every write, it
   * waits out an ERP outage (same idempotency key however often it is tried), but off the
   * parcel's path: the order moves on while its ERP record catches up, and completes only once
   * every write-back is done. A refusal (bad table, rejected row) is noted, not waited on.
   * Histories from before 'erp-write-back-waits-out-outages' replay the single inline attempt.
   */
  const writeBackShipment = async (event: 'shipped' | 'delivered', status: string, e: TrackingEvent | null): Promise<void> => {
    const conn = s?.shipmentWriteBack?.[input.order.source.channel];
    if (!s || !conn || !patched('erp-shipment-write-back')) return;
    // Taken now: a write-back that waits must still say what was true when the event happened.
    const shipment = { orderNo: order.source.platformOrderId, event, status, carrier: courierConn ?? carrier, trackingNo: waybillNo ?? e?.waybillNo ?? null, at: e?.at ?? now() };
    const write = (retryEveryMs?: number) =>
      adapterActivities(s, conn, retryEveryMs).invokeAdapter({ connector: conn, capability: 'shipment.confirm', idempotencyKey: `${workflowId}:erp-write-back-${event}`, input: shipment });
    const writeAndNote = async (go: () => Promise<unknown>): Promise<void> => {
      try {
        await go();
        note(`ERP ${conn}: ${event} written back`);
      } catch (err) {
        note(`ERP ${conn}: ${event} write-back failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    if (!patched('erp-write-back-waits-out-outages')) return writeAndNote(() => write());
    writeBacks = writeBacks.then(() => writeAndNote(() => outageRetrying(`ERP ${event} write-back`, conn, write)));
  };

  moveTo(LIFECYCLE_STATE.RECEIVED, `received via ${input.receivedVia.kind}`, input.order.source.channel);
  // Idempotency key = workflow id + step: a retried activity writes the same record once.
  await store.recordOrder({ idempotencyKey: `${workflowId}:record`, orderKey: input.orderKey, order: input.order });

  if (!s) {
    // Intake only: no downstream configured for this hub.
    if (order.status === 'awaiting_payment') moveTo(LIFECYCLE_STATE.AWAITING_PAYMENT, 'platform reports unpaid', 'platform');
    else if (order.status === 'cancelled') moveTo(LIFECYCLE_STATE.CANCELLED, 'platform reports cancelled', 'platform');
    else if (order.status === 'closed_by_refund') moveTo(LIFECYCLE_STATE.CLOSED, 'platform reports refunded', 'platform');
    else moveTo(LIFECYCLE_STATE.PAID, `platform status ${order.platformStatus}`, 'platform');
    return snapshot();
  }

  if (order.status === 'cancelled' || order.status === 'closed_by_refund') {
    cancelRequest = { cause: `platform reports ${order.status}`, actor: 'platform' };
    return cancel();
  }

  const stockLines = (): { lineId: string; sku: string; qty: number }[] =>
    order.lines.filter((l) => l.refundStatus !== 'refunded' && l.merchantSku).map((l) => ({ lineId: l.lineId, sku: l.merchantSku ?? '', qty: l.quantity }));

  let lockAttempt = 0;
  let holdKey = `${workflowId}:lock-${lockAttempt}`;

  try {
    // 1. Payment. An unpaid order reserves stock for its countdown; a pre-sale order waits for its
    //    balance before any stock is allocated.
    if (!paid) {
      moveTo(LIFECYCLE_STATE.AWAITING_PAYMENT, 'platform reports unpaid', 'platform');
      const expiresAt = Date.now() + s.unpaidLockMinutes * 60_000;
      compensations.push({ name: 'release unpaid lock', run: () => compensate.releaseInventory({ holdKey, reason: 'unpaid' }) });
      const lock = await store.lockInventory({ holdKey, warehouse: s.warehouse, lines: stockLines(), expiresAt });
      note(lock.ok ? 'stock reserved for the payment countdown' : `no stock reserved while unpaid (${lock.reason})`);
      const inTime = await condition(() => paid || cancelRequest !== null, s.unpaidLockMinutes * 60_000);
      if (!inTime) cancelRequest = { cause: `unpaid after ${s.unpaidLockMinutes} minutes`, actor: 'hub' };
      if (cancelRequest) return await cancel();
      if (lock.ok) {
        const c = await store.confirmInventoryPaid({ holdKey });
        if (!c.confirmed) {
          // The countdown sweep released it first: lock again under a new key.
          compensations.pop();
          lockAttempt++;
          holdKey = `${workflowId}:lock-${lockAttempt}`;
        }
      } else {
        compensations.pop();
      }
    }
    if (!balancePaid) {
      moveTo(LIFECYCLE_STATE.AWAITING_PAYMENT, 'pre-sale: deposit paid, waiting for the balance', 'platform');
      await condition(() => balancePaid || cancelRequest !== null);
      if (cancelRequest) return await cancel();
    }
    paidSeenAt = Date.now();
    moveTo(LIFECYCLE_STATE.PAID, paidVia ?? `platform status ${order.platformStatus}`, 'platform');
    await processAddressChanges();

    // 2. Risk check and rules: interception levels, gifts, carrier.
    for (;;) {
      if (!s.rules) break;
      moveTo(LIFECYCLE_STATE.RISK_CHECK, 'rules');
      const check = await store.checkOrderRules({ orderKey: input.orderKey, order });
      carrier = check.carrier;
      surcharge = check.surcharge;
      for (const g of check.giftLines) {
        if (!order.lines.some((l: OrderLine) => l.lineId === g.lineId)) {
          order.lines.push(g);
          note(`gift added: ${g.title} x${g.quantity} (${g.gift?.labelPosition ?? 'no label'})`);
        }
      }
      const first = check.holds[0];
      if (!first) break;
      const d = await waitForDecision(first.code, first.level, check.holds.map((h) => h.reason).join('; '), first.level === 1 ? ['approve', 'reject', 'edit'] : ['approve', 'reject']);
      if (d === 'cancelled' || d.action === 'reject') {
        if (d !== 'cancelled') cancelRequest = { cause: `rejected: ${first.code}`, actor: d.actor };
        return await cancel();
      }
      if (d.action === 'edit') {
        order.address = d.address;
        markDecisionTaken();
        continue; // re-check with the corrected address
      }
      markDecisionTaken();
      break; // approved despite the hold
    }
    if (cancelRequest) return await cancel();

    // 3. Inventory: never proceed unlocked.
    for (;;) {
      compensations.push({ name: 'release stock', run: () => compensate.releaseInventory({ holdKey, reason: 'cancelled' }) });
      const lock = await store.lockInventory({ holdKey, warehouse: s.warehouse, lines: stockLines(), expiresAt: null });
      if (lock.ok) {
        moveTo(LIFECYCLE_STATE.INVENTORY_LOCKED, `locked ${lock.locked.length} line(s) in ${s.warehouse}`);
        // The WMS could not confirm these figures at the last sync: say what the check relied on.
        if (lock.staleStock?.length) note(`availability checked against cached stock (WMS unreachable): ${lock.staleStock.map((x) => `${x.sku} as of ${x.fetchedAt}, ${Math.round(x.ageMs / 1000)}s old`).join('; ')}`);
        const platforms = s.stockPushPlatforms ?? [];
        if (patched('stock-push-on-depletion') && lock.depleted.length && platforms.length) {
          // A SKU just sold out: tell every platform now rather than at the next scheduled push.
          await startChild(stockSync, {
            workflowId: `${workflowId}:stock-push`,
            args: [{ warehouse: s.warehouse, wms: null, platforms, skus: lock.depleted }],
            parentClosePolicy: ParentClosePolicy.ABANDON,
          });
          note(`sold out: ${lock.depleted.join(', ')}; pushing 0 to ${platforms.join(', ')}`);
        }
        break;
      }
      compensations.pop();
      if (lock.reason === 'closed') {
        lockAttempt++;
        holdKey = `${workflowId}:lock-${lockAttempt}`;
        continue;
      }
      const why = lock.reason === 'insufficient' || lock.reason === 'unknown_sku' ? lock.shortages.map((x) => `${x.sku}: need ${x.requested}, have ${x.available}`).join('; ') : lock.reason;
      if (s.onLockFailure === 'wait') {
        note(`no stock (${why}); retrying in ${s.lockRetrySeconds}s`);
        if (await condition(() => cancelRequest !== null, s.lockRetrySeconds * 1000)) return await cancel();
        continue;
      }
      const d = await waitForDecision('insufficient_stock', 3, why, ['approve', 'reject']);
      if (d === 'cancelled' || d.action === 'reject') {
        if (d !== 'cancelled') cancelRequest = { cause: 'rejected: insufficient stock', actor: d.actor };
        return await cancel();
      }
      markDecisionTaken(); // approve = stock was added: try again
    }
    if (cancelRequest) return await cancel();

    // 4. Waybill. The courier's orderId derives from our idempotency key, so a retry never makes a second one.
    courierConn = courierFor(carrier);
    if (courierConn) {
      // One compensation for whichever waybill is current (a re-issue replaces it).
      compensations.push({ name: `cancel waybill`, run: () => cancelCurrentWaybill('order cancelled') });
      await issueWaybill(courierConn);
      moveTo(LIFECYCLE_STATE.WAYBILL_ISSUED, `waybill ${waybillNo ?? '(pending)'} from ${courierConn}`);
    }
    await processAddressChanges();
    if (cancelRequest) return await cancel();

    // 5. WMS outbound instruction, gift lines and their label positions included.
    if (s.wms) {
      const wms = s.wms;
      compensations.push({ name: `intercept at ${wms}`, run: () => adapterActivities(s, wms).invokeAdapter({ connector: wms, capability: 'wms.order.intercept', idempotencyKey: `${workflowId}:wms-intercept`, input: { order, reason: (cancelRequest ?? { cause: 'cancelled' }).cause.slice(0, 200) } }) });
      await pushToWms();
      moveTo(LIFECYCLE_STATE.PUSHED_TO_WMS, `pushed to ${wms}${wmsFeedback ? ` (feedback ${wmsFeedback})` : ''}`);
    }
    await processAddressChanges();
    if (cancelRequest) return await cancel();

    // 6. Pickup: from here on the parcel moves and cancelling is an after-sales return.
    const pickupDeadline = Date.now() + s.pickupTimeoutHours * 3_600_000;
    for (;;) {
      const woke = await condition(() => tracking.pickedUp !== null || cancelRequest !== null || addressQueue.length > 0, Math.max(1, pickupDeadline - Date.now()));
      if (addressQueue.length && !tracking.pickedUp) {
        await processAddressChanges();
        continue;
      }
      if (cancelRequest && !tracking.pickedUp) return await cancel();
      if (woke) break;
      const d = await waitForDecision('pickup_overdue', null, `no pickup within ${s.pickupTimeoutHours} h`, ['approve', 'reject']);
      if (d === 'cancelled' || d.action === 'reject') {
        if (d !== 'cancelled') cancelRequest = { cause: 'rejected: pickup overdue', actor: d.actor };
        return await cancel();
      }
      markDecisionTaken();
      await condition(() => tracking.pickedUp !== null);
      break;
    }
    compensations.length = 0;
    const pickup = tracking.pickedUp;
    moveTo(LIFECYCLE_STATE.IN_TRANSIT, `picked up (${pickup?.source ?? 'tracking'})`, 'courier');
    await store.commitInventory({ holdKey });
    await writeBackShipment('shipped', 'SHIPPED', pickup);
    try {
      const n = await store.notifyPickup({ idempotencyKey: `${workflowId}:notify-pickup`, orderKey: input.orderKey, waybillNo, carrier: carrier ?? 'unknown', at: pickup?.at ?? now() });
      if (n.sent) note('customer notified of pickup');
    } catch (err) {
      // A failed notice must not hold a moving parcel; it is on the timeline for customer service.
      note(`customer notice failed: ${err instanceof Error ? err.message : String(err)}`);
    }

    for (;;) {
      await condition(() => tracking.delivered !== null || addressQueue.length > 0);
      if (tracking.delivered) break;
      await processAddressChanges(); // after pickup: every change goes to review
    }
    if (reviewPending) await store.clearDecision({ orderKey: input.orderKey });
    moveTo(LIFECYCLE_STATE.DELIVERED, `delivered (${tracking.delivered?.source ?? 'tracking'})`, 'courier');
    await writeBackShipment('delivered', 'DELIVERED', tracking.delivered);
    // Complete means every downstream record is written: an order whose ERP is down waits here,
    // delivered, with its hold reason saying why.
    await writeBacks;
    moveTo(LIFECYCLE_STATE.COMPLETED, 'delivered');
    return snapshot();
  } catch (err) {
    if (isCancellation(err)) {
      // The workflow itself was cancelled (an SRE): undo what was done, then let it end cancelled.
      cancelRequest ??= { cause: 'workflow cancelled', actor: 'temporal' };
      await CancellationScope.nonCancellable(() => cancel());
      throw err;
    }
    throw err;
  }
}
