import { condition, isCancellation } from '@temporalio/workflow';
import { failureMessage, outageRetrying } from '../activities.js';
import { LIFECYCLE_STATE } from '../../states.js';
import { dropRefundedLines } from '../gate.js';
import type { OrderRun } from '../run.js';
import { pushAgain } from '../refusals.js';
import { interceptAtWms, undoWmsPush } from '../wms.js';
import { STEP, type StepResult } from './step.js';

/**
 * A refund request after the WMS push and before pickup: stop the parcel at the warehouse (the
 * saga's own intercept, same key, so a later cancel does not intercept twice) and wait for the
 * refund's outcome. Refunded in full: the order closes. Refused or partial: what is left goes to
 * the WMS again as a new outbound order. Picked up meanwhile: the intercept came too late and the
 * refund is after-sales.
 */
export async function interceptForRefund(run: OrderRun): Promise<StepResult> {
  const wms = run.s?.wms;
  const before = run.state;
  if (wms && !run.wmsIntercepted) {
    try {
      // A WMS outage (a 504 storm) is waited out like the push; it never fails the order.
      await outageRetrying(run, 'WMS intercept', wms, (retryEveryMs) => interceptAtWms(run, wms, undefined, retryEveryMs));
      run.wmsIntercepted = true;
      const i = run.compensations.findIndex((c) => c.name === `intercept at ${wms}`);
      if (i >= 0) run.compensations.splice(i, 1);
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Refused (already picked, packed or shipped): the parcel may leave; if it does, the refund is after-sales.
      run.note(`${wms} refused the intercept: ${failureMessage(err)}`);
    }
  }
  run.moveTo(LIFECYCLE_STATE.PLATFORM_HOLD, `refund requested on line(s) ${[...run.openRefunds].join(', ')}${wms ? `: intercepted at ${wms}` : ''}; waiting for the refund's outcome`, 'platform');
  run.showHoldReason('refund_requested');
  await condition(() => run.openRefunds.size === 0 || run.cancelRequest !== null || run.tracking.pickedUp !== null);
  run.showHoldReason(null);
  if (run.cancelRequest) return STEP.CANCEL;
  if (run.tracking.pickedUp) {
    run.note('picked up although intercepted: the refund continues as after-sales');
    return STEP.NEXT;
  }
  if ((await dropRefundedLines(run)) === STEP.CANCEL) return STEP.CANCEL;
  if (wms && run.wmsIntercepted) {
    const key = `${run.workflowId}:wms-intercept-${run.wmsSeq + 1}`;
    run.compensations.push({ name: `intercept at ${wms}`, run: () => undoWmsPush(run, wms, key) });
    if ((await pushAgain(run)) === STEP.CANCEL) return STEP.CANCEL;
    run.wmsIntercepted = false;
    run.moveTo(LIFECYCLE_STATE.PUSHED_TO_WMS, `pushed to ${wms} again after the refund was decided`);
  } else run.moveTo(before, 'refund decided: the order ships');
  return STEP.NEXT;
}
