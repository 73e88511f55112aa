import { condition, patched, setHandler, sleep } from '@temporalio/workflow';
import { store } from './activities.js';
import { ADDRESS_DEBOUNCE_MS, DEFAULT_REISSUE_FIELDS, HOLD_REASON, PATCH } from './constants.js';
import { changeAddress } from './definitions.js';
import { FINAL_STATES, SHIPPED_STATES } from './phases.js';
import { notifyPeople } from './notify.js';
import type { OrderRun } from './run.js';
import type { AddressChangeInput, AddressChangeOutcome, DecisionInput } from './types.js';
import { cancelCurrentWaybill, courierFor, issueWaybill, updateWaybill } from './waybill.js';
import { pushAgain } from './refusals.js';

/** Queues each change; it is applied between steps (never during one) and answered then. */
export function handleAddressChanges(run: OrderRun): void {
  setHandler(
    changeAddress,
    async (change) => {
      const seq = ++run.addressSeq;
      run.addressQueue.push({ seq, input: change });
      await condition(() => run.addressResults.has(seq));
      return run.addressResults.get(seq) ?? { outcome: 'needs_review', reason: 'lost', waybillNo: run.waybillNo, carrier: run.courierConn, superseded: false };
    },
    {
      validator: (_change) => {
        if (FINAL_STATES.includes(run.state)) throw new Error(`order is ${run.state}: its address can no longer change`);
      },
    },
  );
}

/** Applies queued changes between steps, never during one: the last address wins, one re-issue at most. */
export async function processAddressChanges(run: OrderRun): Promise<void> {
  while (run.addressQueue.length) {
    // A short quiet period lets a burst of changes (a buyer correcting twice) become one.
    if (patched(PATCH.ADDRESS_CHANGE_DEBOUNCE)) await sleep(ADDRESS_DEBOUNCE_MS);
    const batch = run.addressQueue.splice(0);
    // A person's verdict on a reviewed change is applied on its own, before newer changes.
    for (const r of batch.filter((b) => b.review)) if (r.review) await applyReview(run, r.input, r.review);
    const changes = batch.filter((b) => !b.review);
    const last = changes[changes.length - 1];
    if (!last) continue;
    const outcome = await applyAddressChange(run, last.input);
    for (const b of changes) run.addressResults.set(b.seq, b === last ? outcome : { ...outcome, superseded: true });
  }
}

/**
 * The verdict on a change that needed review. Approve applies it whatever the window (overwrite
 * or re-issue by the usual rule; after pickup the courier must be asked to redirect the parcel,
 * which the timeline and the audit say); reject keeps the old address. Both are audited.
 */
async function applyReview(run: OrderRun, change: AddressChangeInput, d: DecisionInput): Promise<void> {
  if (!patched(PATCH.ADDRESS_REVIEW_DECISIONS)) return;
  run.pendingReview = null;
  await store.clearDecision({ orderKey: run.input.orderKey });
  const note = d.note ? ` (${d.note})` : '';
  if (d.action === 'reject') {
    run.note(`address change rejected by ${d.actor}${note}: the old address stays`, d.actor);
    await store.auditAddressChange({ orderKey: run.input.orderKey, at: run.now(), actor: d.actor, source: change.source, outcome: 'rejected', reason: d.note ?? null, before: run.order.address, after: change.address });
  } else {
    run.note(`address change approved by ${d.actor}${note}`, d.actor);
    await applyAddressChange(run, { ...change, actor: d.actor }, true);
  }
  run.markDecisionTaken();
}

function paidAtMs(run: OrderRun): number {
  return run.order.paidAt ? Date.parse(run.order.paidAt) : run.paidSeenAt;
}

/**
 * No waybill yet: the new address is simply used. Inside the window after payment: same district
 * overwrites the live waybill, another district cancels it and issues anew (remote areas may change
 * the carrier). Outside the window or after pickup: a person reviews it.
 */
async function applyAddressChange(run: OrderRun, change: AddressChangeInput, approved = false): Promise<AddressChangeOutcome> {
  const { s, order } = run;
  const before = order.address;
  const after = change.address;
  const outcome = (o: AddressChangeOutcome['outcome'], reason?: string): AddressChangeOutcome => ({ outcome: o, ...(reason !== undefined ? { reason } : {}), waybillNo: run.waybillNo, carrier: run.courierConn, superseded: false });
  const audit = (o: AddressChangeOutcome['outcome'], reason?: string) =>
    store.auditAddressChange({ orderKey: run.input.orderKey, at: run.now(), actor: change.actor, source: change.source, outcome: o, reason: reason ?? null, before, after });
  const review = async (reason: string): Promise<AddressChangeOutcome> => {
    run.note(`address change needs review: ${reason}`, change.actor);
    run.pendingReview = { change, reason };
    await store.requestDecision({ orderKey: run.input.orderKey, workflowId: run.workflowId, reason: HOLD_REASON.ADDRESS_CHANGE_REVIEW, level: null, message: `address change from ${change.source} (${change.actor}): ${reason}`, since: run.now(), actions: ['approve'] });
    await audit('needs_review', reason);
    await notifyPeople(run, HOLD_REASON.ADDRESS_CHANGE_REVIEW, null, `address change from ${change.source} needs review: ${reason}`);
    return outcome('needs_review', reason);
  };
  if (SHIPPED_STATES.includes(run.state) || run.tracking.pickedUp) {
    if (!approved) return review('the parcel has been picked up');
    order.address = after;
    run.note(`approved after pickup: the courier must redirect waybill ${run.waybillNo ?? '(none)'} to the new address`, change.actor);
    await audit('courier_contacted');
    return outcome('courier_contacted');
  }
  if (!s || !run.waybillNo) {
    order.address = after;
    if (s?.rules) await recheckRules(run);
    run.note(`address updated (no waybill yet) by ${change.source}`, change.actor);
    await audit('updated');
    return outcome('updated');
  }
  const windowEnds = paidAtMs(run) + s.addressWindowMinutes * 60_000;
  if (Date.now() > windowEnds && !approved) return review(`outside the ${s.addressWindowMinutes}-minute window after payment`);
  const regionChanged = (s.addressReissueFields ?? DEFAULT_REISSUE_FIELDS).some((f) => (before[f] ?? null) !== (after[f] ?? null));
  order.address = after;
  if (!regionChanged) {
    // Same district: overwrite the receiver on the live waybill.
    await updateWaybill(run, `${run.waybillKey ?? run.workflowId}:update-${run.addressSeq}`);
    // A reject cancels the order (the cancel request is seen between steps); the change itself stands.
    await pushAgain(run);
    run.note(`waybill ${run.waybillNo} overwritten with the new street address (${change.source})`, change.actor);
    await audit('overwritten');
    return outcome('overwritten');
  }
  // Another city or district: cancel, re-choose the carrier (remote areas go EMS), issue anew.
  await cancelCurrentWaybill(run, 'address moved to another district');
  if (s.rules) await recheckRules(run);
  const conn = courierFor(run, run.carrier) ?? run.courierConn ?? '';
  await issueWaybill(run, conn);
  run.note(`waybill re-issued: ${run.waybillNo} from ${conn}; re-pickup requested`, change.actor);
  await pushAgain(run);
  await audit('reissued');
  return outcome('reissued');
}

/** A new address may change the carrier (remote areas) and its surcharge. */
async function recheckRules(run: OrderRun): Promise<void> {
  const check = await store.checkOrderRules({ orderKey: run.input.orderKey, order: run.order });
  run.carrier = check.carrier;
  run.surcharge = check.surcharge;
}
