import { condition } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from '../states.js';
import { store } from './activities.js';
import { processAddressChanges } from './address.js';
import { notifyPeople } from './notify.js';
import type { OrderRun } from './run.js';
import type { DecisionAction, DecisionInput } from './types.js';

export const DECISION_CANCELLED = 'cancelled' as const;

/**
 * Puts the order in the pending-decision queue and waits for an operator (or a cancel). A held
 * order's address may still change meanwhile: it has no waybill yet. The caller marks the decision
 * taken once it has acted on it, which answers the operator's update.
 */
export async function waitForDecision(run: OrderRun, reason: string, level: number | null, message: string, actions: DecisionAction[]): Promise<DecisionInput | typeof DECISION_CANCELLED> {
  const before = run.state;
  run.hold = { reason, level, message, since: run.now() };
  run.moveTo(LIFECYCLE_STATE.ON_HOLD, `${reason}: ${message}`);
  run.showHoldReason(reason);
  await store.requestDecision({ orderKey: run.input.orderKey, workflowId: run.workflowId, reason, level, message, since: run.hold.since, actions });
  await notifyPeople(run, reason, level, message);
  for (;;) {
    await condition(() => run.pendingDecision !== null || run.cancelRequest !== null || run.addressQueue.length > 0);
    if (run.pendingDecision !== null || run.cancelRequest !== null) break;
    await processAddressChanges(run);
  }
  const d: DecisionInput | null = run.pendingDecision;
  run.pendingDecision = null;
  run.hold = null;
  run.showHoldReason(null);
  await store.clearDecision({ orderKey: run.input.orderKey });
  if (!d) return DECISION_CANCELLED;
  run.state = before;
  run.timeline.push({ state: before, at: run.now(), cause: `decision: ${d.action}${d.note ? ` (${d.note})` : ''}`, actor: d.actor });
  run.showState(before);
  return d;
}

/**
 * A hold a person may approve or reject: reject (or a cancel meanwhile) sets the cancel request
 * and answers false; approve is marked taken and answers true.
 */
export async function holdUntilApproved(run: OrderRun, reason: string, level: number | null, message: string, rejectedCause: string): Promise<boolean> {
  const d = await waitForDecision(run, reason, level, message, ['approve', 'reject']);
  if (d === DECISION_CANCELLED || d.action === 'reject') {
    if (d !== DECISION_CANCELLED) run.cancelRequest = { cause: `rejected: ${rejectedCause}`, actor: d.actor };
    return false;
  }
  run.markDecisionTaken();
  return true;
}
