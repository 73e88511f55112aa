import { isCancellation, patched } from '@temporalio/workflow';
import { adapterActivities, failureMessage, outageRetrying } from '../activities.js';
import { HOLD_REASON, PATCH, type ShipConfirmAt } from '../constants.js';
import { holdUntilApproved } from '../decisions.js';
import type { OrderRun } from '../run.js';
import { STEP, type StepResult } from './step.js';

/**
 * 发货回传: the platform hears the carrier and tracking number once per live waybill (the key
 * names the waybill), at the moment the channel's config says. An outage is waited out like
 * the WMS push; a refusal (refunded or closed on the platform) or a missing carrier code goes to
 * a person with the platform's message: approve = confirmed by hand, reject = cancel the order.
 * A waybill re-issued after the platform was told cannot be silently re-sent: a person updates
 * the platform (e.g. Taobao's consign.resend) and approves.
 */
export async function confirmToPlatform(run: OrderRun, at: ShipConfirmAt): Promise<StepResult> {
  const s = run.s;
  const cfg = s?.shipmentConfirm?.[run.order.source.channel];
  const waybillNo = run.waybillNo;
  const courier = run.courierConn;
  if (!s || !cfg || !waybillNo || !courier || run.confirmedWaybill === waybillNo) return STEP.NEXT;
  if (cfg.at !== at && !run.confirmedWaybill) return STEP.NEXT;
  if (!patched(PATCH.SHIP_CONFIRM)) return STEP.NEXT;
  if (run.confirmedWaybill) {
    const told = run.confirmedWaybill;
    const message = `${cfg.connector} was told waybill ${told}; the live waybill is now ${waybillNo}: update it on the platform, then approve`;
    if (!(await holdUntilApproved(run, HOLD_REASON.SHIP_CONFIRM_OUTDATED, null, message, 'platform shows an outdated waybill'))) return STEP.CANCEL;
    run.confirmedWaybill = waybillNo;
    return STEP.NEXT;
  }
  const key = `${run.workflowId}:ship-confirm-${run.waybillSeq}`;
  try {
    const res = await outageRetrying(run, 'shipment confirmation', cfg.connector, (retryEveryMs) =>
      adapterActivities(s, cfg.connector, retryEveryMs).confirmShipment({ connector: cfg.connector, courier, idempotencyKey: key, order: run.order, waybillNo, shippedAt: run.now() }),
    );
    run.confirmedWaybill = waybillNo;
    run.note(`${cfg.connector} told: shipped with ${res.carrierCode} ${waybillNo}`);
    return STEP.NEXT;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const why = failureMessage(err);
    run.note(`shipment confirmation refused by ${cfg.connector}: ${why}`);
    if (!(await holdUntilApproved(run, HOLD_REASON.SHIP_CONFIRM_REFUSED, null, `${cfg.connector} refused the shipment confirmation of ${waybillNo}: ${why}`, 'platform refused the shipment confirmation'))) return STEP.CANCEL;
    run.confirmedWaybill = waybillNo;
    return STEP.NEXT;
  }
}
