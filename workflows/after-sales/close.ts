import { CASE_STATE, RETURN_TYPES } from './constants.js';
import type { CaseRun } from './run.js';

/**
 * A case closes on completion only: the platform reported the refund done (and goods the buyer is
 * sending back, if any, are in), or a person resolved it with a reason.
 */
export function closeIfDone(run: CaseRun, actor: string): void {
  if (run.closed || !run.refundDone) return;
  if (RETURN_TYPES.includes(run.type) && run.state === CASE_STATE.AWAITING_RETURN && !run.returnReceived) {
    run.log('note', 'refund done; the case closes once the returned goods are received', 'hub', false);
    return;
  }
  if (run.state !== CASE_STATE.REFUNDED) run.moveTo(CASE_STATE.REFUNDED, 'refund done on the platform', actor);
  run.closeReason = 'refund done on the platform';
  run.moveTo(CASE_STATE.CLOSED, 'closed: refund done', actor);
}

/** A person resolves the case with a reason; it then closes. */
export function resolve(run: CaseRun, reason: string, actor: string): void {
  run.closeReason = reason;
  run.moveTo(CASE_STATE.RESOLVED, `resolved: ${reason}`, actor);
  run.moveTo(CASE_STATE.CLOSED, 'closed: resolved by a person', actor);
}
