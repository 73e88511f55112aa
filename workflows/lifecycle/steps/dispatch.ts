import { isCancellation, patched } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from '../../states.js';
import { failureMessage, store } from '../activities.js';
import { HOLD_REASON, PATCH } from '../constants.js';
import { holdUntilApproved } from '../decisions.js';
import type { OrderRun } from '../run.js';
import { cancelCurrentWaybill, courierFor, issueWaybill } from '../waybill.js';
import { interceptAtWms, pushToWms } from '../wms.js';
import { STEP, type StepResult } from './step.js';

/** 4. Waybill from the carrier the rules chose. The courier's orderId derives from our idempotency key, so a retry never makes a second one. */
export async function requestWaybill(run: OrderRun): Promise<StepResult> {
  run.courierConn = courierFor(run, run.carrier);
  const conn = run.courierConn;
  if (!conn) return STEP.NEXT;
  // One compensation for whichever waybill is current (a re-issue replaces it).
  run.compensations.push({ name: `cancel waybill`, run: () => cancelCurrentWaybill(run, 'order cancelled') });
  const done = await refusalsToAPerson(run, HOLD_REASON.WAYBILL_REFUSED, conn, 'waybill', () => issueWaybill(run, conn));
  if (done === STEP.CANCEL) return STEP.CANCEL;
  run.moveTo(LIFECYCLE_STATE.WAYBILL_ISSUED, `waybill ${run.waybillNo ?? '(pending)'} from ${conn}`);
  return STEP.NEXT;
}

/** 5. WMS outbound instruction, gift lines and their label positions included. */
export async function sendToWarehouse(run: OrderRun): Promise<StepResult> {
  const wms = run.s?.wms;
  if (!wms) return STEP.NEXT;
  run.compensations.push({ name: `intercept at ${wms}`, run: () => interceptAtWms(run, wms) });
  const done = await refusalsToAPerson(run, HOLD_REASON.WMS_PUSH_REFUSED, wms, 'outbound order', () => pushToWms(run));
  if (done === STEP.CANCEL) return STEP.CANCEL;
  // From here the WMS counts the units (promised, then shipped): a stock reading taken after it
  // ships but before pickup would otherwise take them off a second time.
  if (patched(PATCH.STOCK_HANDED_TO_WMS)) await store.handOverInventory({ holdKey: run.holdKey });
  run.moveTo(LIFECYCLE_STATE.PUSHED_TO_WMS, `pushed to ${wms}${run.wmsFeedback ? ` (feedback ${run.wmsFeedback})` : ''}`);
  return STEP.NEXT;
}

/**
 * A refusal (the courier or WMS said no: bad address data, an unknown SKU, a mapping that cannot
 * build the request) used to fail the whole workflow with its stock locked. It goes to a person
 * with the system's message instead: approve = the cause was fixed, try again (a new key, so the
 * system sees a new request); reject = cancel the order, compensations included. Outages never
 * get here: they are waited out. Histories from before the patch fail as they did.
 */
async function refusalsToAPerson(run: OrderRun, reason: string, connector: string, what: string, call: () => Promise<void>): Promise<StepResult> {
  for (;;) {
    try {
      await call();
      return STEP.NEXT;
    } catch (err) {
      if (isCancellation(err) || !patched(PATCH.DISPATCH_REFUSALS_TO_A_PERSON)) throw err;
      const why = failureMessage(err);
      run.note(`${connector} refused the ${what}: ${why}`);
      if (!(await holdUntilApproved(run, reason, null, `${connector} refused the ${what}: ${why}; approve once fixed to try again, reject to cancel`, `${connector} refused the ${what}`))) return STEP.CANCEL;
    }
  }
}
