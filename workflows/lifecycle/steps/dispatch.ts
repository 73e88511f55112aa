import { LIFECYCLE_STATE } from '../../states.js';
import { HOLD_REASON } from '../constants.js';
import { refusalsToAPerson } from '../refusals.js';
import type { OrderRun } from '../run.js';
import { cancelCurrentWaybill, courierFor, issueWaybill } from '../waybill.js';
import { pushToWms, undoWmsPush } from '../wms.js';
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
  run.compensations.push({ name: `intercept at ${wms}`, run: () => undoWmsPush(run, wms) });
  const done = await refusalsToAPerson(run, HOLD_REASON.WMS_PUSH_REFUSED, wms, 'outbound order', () => pushToWms(run));
  if (done === STEP.CANCEL) return STEP.CANCEL;
  run.moveTo(LIFECYCLE_STATE.PUSHED_TO_WMS, `pushed to ${wms}${run.wmsFeedback ? ` (feedback ${run.wmsFeedback})` : ''}`);
  return STEP.NEXT;
}
