import { condition, patched } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from '../../states.js';
import { store } from '../activities.js';
import { processAddressChanges } from '../address.js';
import { HOLD_REASON, PATCH, SHIP_CONFIRM_AT } from '../constants.js';
import { holdUntilApproved } from '../decisions.js';
import type { OrderRun } from '../run.js';
import { interceptForRefund } from './refund-intercept.js';
import { confirmToPlatform } from './ship-confirm.js';
import { STEP, type StepResult } from './step.js';
import { writeBackShipment } from './write-back.js';

/** 6. Pickup: until the courier has the parcel, an address change is applied and a cancel undoes everything. */
export async function awaitPickup(run: OrderRun): Promise<StepResult> {
  const s = run.s;
  if (!s) return STEP.NEXT;
  const pickupDeadline = Date.now() + s.pickupTimeoutHours * 3_600_000;
  const refundsIntercept = patched(PATCH.REFUND_INTERCEPT);
  const refundOpen = () => refundsIntercept && run.openRefunds.size > 0;
  for (;;) {
    const woke = await condition(() => run.tracking.pickedUp !== null || run.cancelRequest !== null || run.addressQueue.length > 0 || refundOpen(), Math.max(1, pickupDeadline - Date.now()));
    if (run.addressQueue.length && !run.tracking.pickedUp) {
      await processAddressChanges(run);
      continue;
    }
    if (run.cancelRequest && !run.tracking.pickedUp) return STEP.CANCEL;
    if (refundOpen() && !run.tracking.pickedUp) {
      if ((await interceptForRefund(run)) === STEP.CANCEL) return STEP.CANCEL;
      continue;
    }
    if (woke) break;
    if (!(await holdUntilApproved(run, HOLD_REASON.PICKUP_OVERDUE, null, `no pickup within ${s.pickupTimeoutHours} h`, 'pickup overdue'))) return STEP.CANCEL;
    await condition(() => run.tracking.pickedUp !== null);
    break;
  }
  return STEP.NEXT;
}

/** From pickup on the parcel moves: nothing is compensated any more; stock is committed and people are told. */
export async function recordPickup(run: OrderRun): Promise<void> {
  run.compensations.length = 0;
  const pickup = run.tracking.pickedUp;
  run.moveTo(LIFECYCLE_STATE.IN_TRANSIT, `picked up (${pickup?.source ?? 'tracking'})`, 'courier');
  await store.commitInventory({ holdKey: run.holdKey });
  if ((await confirmToPlatform(run, SHIP_CONFIRM_AT.PICKUP)) === STEP.CANCEL) {
    // The parcel is already moving: a rejected confirmation cannot stop it.
    run.cancelRequest = null;
    run.note('shipment confirmation rejected after pickup: the parcel moves on; a return is after-sales');
  }
  await writeBackShipment(run, 'shipped', 'SHIPPED', pickup);
  try {
    const n = await store.notifyPickup({ idempotencyKey: `${run.workflowId}:notify-pickup`, orderKey: run.input.orderKey, waybillNo: run.waybillNo, carrier: run.carrier ?? 'unknown', at: pickup?.at ?? run.now() });
    if (n.sent) run.note('customer notified of pickup');
  } catch (err) {
    // A failed notice must not hold a moving parcel; it is on the timeline for customer service.
    run.note(`customer notice failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** 7. Delivery, then the ERP catches up: complete means every downstream record is written. */
export async function awaitDelivery(run: OrderRun): Promise<void> {
  for (;;) {
    await condition(() => run.tracking.delivered !== null || run.addressQueue.length > 0);
    if (run.tracking.delivered) break;
    await processAddressChanges(run); // after pickup: every change goes to review
  }
  // A review nobody took is moot once the parcel is delivered.
  if (run.pendingReview) await store.clearDecision({ orderKey: run.input.orderKey });
  run.pendingReview = null;
  run.moveTo(LIFECYCLE_STATE.DELIVERED, `delivered (${run.tracking.delivered?.source ?? 'tracking'})`, 'courier');
  await writeBackShipment(run, 'delivered', 'DELIVERED', run.tracking.delivered);
  // An order whose ERP is down waits here, delivered, with its hold reason saying why.
  await run.writeBacks;
  // Only orders that opened a case after pickup ever wait here (older histories never get in).
  if (run.caseCallsBusy > 0) await condition(() => run.caseCallsBusy === 0);
  run.moveTo(LIFECYCLE_STATE.COMPLETED, 'delivered');
}
