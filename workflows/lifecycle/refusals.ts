import { isCancellation, patched } from '@temporalio/workflow';
import { failureMessage } from './activities.js';
import { HOLD_REASON, PATCH } from './constants.js';
import { holdUntilApproved } from './decisions.js';
import type { OrderRun } from './run.js';
import { STEP, type StepResult } from './steps/step.js';
import { pushToWms } from './wms.js';

/**
 * A refusal (the courier or WMS said no: bad address data, an unknown SKU, a mapping that cannot
 * build the request) used to fail the whole workflow with its stock locked. It goes to a person
 * with the system's message instead: approve = the cause was fixed, try again (a new key, so the
 * system sees a new request); reject = cancel the order, compensations included. Outages never
 * get here: they are waited out. Histories from before the patch fail as they did.
 */
export async function refusalsToAPerson(run: OrderRun, reason: string, connector: string, what: string, call: () => Promise<void>): Promise<StepResult> {
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

/**
 * The outbound order sent again (an address change, what is left after a partial refund). A WMS
 * refusing it used to fail the workflow with the waybill live and the stock held; like the first
 * push it goes to a person: approve = push again, reject = the order is cancelled (the caller
 * sees the cancel request). Histories from before the patch push as they did.
 */
export async function pushAgain(run: OrderRun): Promise<StepResult> {
  const wms = run.s?.wms;
  if (!wms || !patched(PATCH.REPUSH_REFUSALS_TO_A_PERSON)) {
    await pushToWms(run);
    return STEP.NEXT;
  }
  return refusalsToAPerson(run, HOLD_REASON.WMS_PUSH_REFUSED, wms, 'outbound order sent again', () => pushToWms(run));
}
