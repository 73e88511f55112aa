import { LIFECYCLE_STATE } from '../../states.js';
import type { OrderRun } from '../run.js';
import { cancelCurrentWaybill, courierFor, issueWaybill } from '../waybill.js';
import { interceptAtWms, pushToWms } from '../wms.js';

/** 4. Waybill from the carrier the rules chose. The courier's orderId derives from our idempotency key, so a retry never makes a second one. */
export async function requestWaybill(run: OrderRun): Promise<void> {
  run.courierConn = courierFor(run, run.carrier);
  const conn = run.courierConn;
  if (!conn) return;
  // One compensation for whichever waybill is current (a re-issue replaces it).
  run.compensations.push({ name: `cancel waybill`, run: () => cancelCurrentWaybill(run, 'order cancelled') });
  await issueWaybill(run, conn);
  run.moveTo(LIFECYCLE_STATE.WAYBILL_ISSUED, `waybill ${run.waybillNo ?? '(pending)'} from ${conn}`);
}

/** 5. WMS outbound instruction, gift lines and their label positions included. */
export async function sendToWarehouse(run: OrderRun): Promise<void> {
  const wms = run.s?.wms;
  if (!wms) return;
  run.compensations.push({ name: `intercept at ${wms}`, run: () => interceptAtWms(run, wms) });
  await pushToWms(run);
  run.moveTo(LIFECYCLE_STATE.PUSHED_TO_WMS, `pushed to ${wms}${run.wmsFeedback ? ` (feedback ${run.wmsFeedback})` : ''}`);
}
