import { patched } from '@temporalio/workflow';
import { CASE_PATCH, CASE_STATE, PLATFORM_CASE_STATUS } from './constants.js';
import { closeIfDone } from './close.js';
import { recordRefund } from './refund-record.js';
import type { CaseRun } from './run.js';
import type { CaseMessage } from './types.js';

/**
 * A platform message about the case. A redelivery (same message id) or a message that changes
 * nothing (the status the case already reflects) is ignored: a re-pushed after-sale leaves no trace.
 */
export function applyMessage(run: CaseRun, m: CaseMessage): void {
  if (run.closed || run.seenMessages.has(m.messageId)) return;
  run.seenMessages.add(m.messageId);
  const actor = run.input.platform;
  const say = (what: string) => `platform: ${what} (${m.platformStatus})${m.note ? `: ${m.note}` : ''}`;
  if (m.platformCaseId && run.platformCaseId === null && patched(CASE_PATCH.JOINS_PLATFORM_ID)) {
    run.platformCaseId = m.platformCaseId;
    run.log('linked', `platform after-sales ${m.platformCaseId} is this case`, actor, false);
  }
  switch (m.status) {
    case PLATFORM_CASE_STATUS.REQUESTED:
      return;
    case PLATFORM_CASE_STATUS.AGREED:
    case PLATFORM_CASE_STATUS.REFUSED:
      if (run.state === CASE_STATE.OPEN) run.moveTo(CASE_STATE.IN_PROGRESS, say(m.status === PLATFORM_CASE_STATUS.AGREED ? 'seller agreed' : 'seller refused'), actor);
      else run.log('platform', say(m.status), actor, true);
      return;
    case PLATFORM_CASE_STATUS.AWAITING_RETURN:
    case PLATFORM_CASE_STATUS.RETURN_SHIPPED:
      if (run.returnReceived) return;
      if (run.state !== CASE_STATE.AWAITING_RETURN && run.canMove(CASE_STATE.AWAITING_RETURN)) run.moveTo(CASE_STATE.AWAITING_RETURN, say(m.status === PLATFORM_CASE_STATUS.RETURN_SHIPPED ? 'buyer sent the goods back' : 'return agreed'), actor);
      else if (m.status === PLATFORM_CASE_STATUS.RETURN_SHIPPED) run.log('platform', say('buyer sent the goods back'), actor, true);
      return;
    case PLATFORM_CASE_STATUS.REFUNDED:
      if (run.refundDone) return;
      run.refundDone = true;
      run.log('platform', say(`refund done${m.refund ? ` (${m.refund.minor} ${m.refund.currency} minor units)` : ''}`), actor, true);
      if (patched(CASE_PATCH.RECORDS_REFUND)) void recordRefund(run, m);
      closeIfDone(run, actor);
      return;
    case PLATFORM_CASE_STATUS.CLOSED:
      // The platform ended it without a refund (withdrawn, refused for good): resolved with its word as the reason.
      run.closeReason = say('after-sale closed');
      run.moveTo(CASE_STATE.RESOLVED, run.closeReason, actor);
      run.moveTo(CASE_STATE.CLOSED, 'closed: resolved by the platform', actor);
      return;
    default:
      run.log('platform', say('updated'), actor, true);
  }
}

