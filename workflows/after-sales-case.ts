import { allHandlersFinished, condition, getExternalWorkflowHandle, isCancellation } from '@temporalio/workflow';
import { caseStore } from './after-sales/activities.js';
import { pickAssignee } from './after-sales/assign.js';
import { CASE_STATE } from './after-sales/constants.js';
import { applyMessage } from './after-sales/messages.js';
import { registerCaseHandlers } from './after-sales/handlers.js';
import { CaseRun } from './after-sales/run.js';
import { watchSla } from './after-sales/sla.js';
import type { AfterSalesCaseInput, CaseSnapshot } from './after-sales/types.js';
import { afterSalesOpened } from './lifecycle/definitions.js';

export * from './after-sales/definitions.js';
export type * from './after-sales/types.js';

/**
 * One after-sales case (售后工单): numbered, assigned by the configured rules, linked to its order,
 * moved by the platform's messages and by people, escalated when it sits without progress, and
 * closed only on completion (refund done on the platform, or resolved by a person with a reason).
 */
export async function afterSalesCase(input: AfterSalesCaseInput): Promise<CaseSnapshot> {
  const run = new CaseRun(input);
  // Before the handlers: messages that arrived with the start are applied after the opening entry.
  run.log('state', `opened by ${input.openedBy.kind} ${input.openedBy.actor}: ${input.type}${input.reason ? ` (${input.reason})` : ''}`, input.openedBy.actor, false);
  if (input.returnExpected) run.moveTo(CASE_STATE.AWAITING_RETURN, 'the goods are on their way back', input.openedBy.actor);
  registerCaseHandlers(run);
  const settings = await caseStore.afterSalesSettings();
  run.caseNumber = (await caseStore.allocateCaseNumber({ caseKey: input.caseKey, openedAt: input.openedAt })).caseNumber;
  run.settings = settings;
  run.assignee = pickAssignee(settings, input);
  run.log('assigned', `assigned to ${run.assignee.kind} ${run.assignee.id} by the rules`, 'hub', false);
  applyMessage(run, input.first);
  await linkOrder(run);
  void watchSla(run);

  // The read model follows every batch of changes; an update still at work (a restock racing a
  // close) finishes, and is saved, before the case ends.
  for (;;) {
    const version = run.version;
    await caseStore.saveCase({ caseKey: input.caseKey, version, summary: run.snapshot() });
    if (run.closed && version === run.version && allHandlersFinished() && run.pendingRecords === 0) break;
    await condition(() => run.version !== version || (run.closed && allHandlersFinished() && run.pendingRecords === 0));
  }
  return run.snapshot();
}

/** The order hears of its case (afterSalesOpened); an order whose workflow has ended keeps the link in the case index only. */
async function linkOrder(run: CaseRun): Promise<void> {
  const orderKey = run.input.orderKey;
  if (!orderKey) return;
  try {
    await getExternalWorkflowHandle(`order:${orderKey}`).signal(afterSalesOpened, { caseKey: run.input.caseKey, caseNumber: run.caseNumber ?? run.input.caseKey, type: run.type, at: run.now() });
    run.log('linked', `linked to order ${orderKey}`, 'hub', false);
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.log('linked', `order ${orderKey} has no running workflow to tell; the case index links them`, 'hub', false);
  }
}
