import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { caseStore } from './activities.js';
import { resolve, closeIfDone } from './close.js';
import { CASE_FAILURE, CASE_STATE, MANUAL_STATES } from './constants.js';
import { addCaseNote, assignCase, caseMessage, changeCaseState, getCaseState, resolveCase, returnReceived } from './definitions.js';
import { applyMessage } from './messages.js';
import type { CaseRun } from './run.js';
import type { CaseLine, ReturnReceivedInput } from './types.js';

const refuse = (msg: string, type: string) => ApplicationFailure.nonRetryable(msg, type);

function notClosed(run: CaseRun): void {
  if (run.closed) throw refuse(`case ${run.caseNumber ?? run.input.caseKey} is closed`, CASE_FAILURE.CASE_CLOSED);
}

/** The queries, signals and updates of a case; updates answer with the case as it then is. */
export function registerCaseHandlers(run: CaseRun): void {
  setHandler(getCaseState, () => run.snapshot());
  setHandler(caseMessage, (m) => applyMessage(run, m));
  setHandler(
    assignCase,
    ({ assignee, actor }) => {
      run.assignee = assignee;
      run.log('assigned', `assigned to ${assignee.kind} ${assignee.id}`, actor, true);
      return run.snapshot();
    },
    { validator: (_a) => notClosed(run) },
  );
  setHandler(
    addCaseNote,
    ({ text, actor }) => {
      run.log('note', text, actor, true);
      return run.snapshot();
    },
    {
      validator: ({ text }) => {
        notClosed(run);
        if (!text.trim()) throw refuse('text: a note needs some text', CASE_FAILURE.REASON_REQUIRED);
      },
    },
  );
  setHandler(
    changeCaseState,
    ({ state, actor, note }) => {
      run.moveTo(state, `moved to ${state}${note ? `: ${note}` : ''}`, actor);
      return run.snapshot();
    },
    {
      validator: ({ state }) => {
        notClosed(run);
        if (!MANUAL_STATES.includes(state)) throw refuse(`state: ${state} is not set by hand (refunded follows the platform, return_received the warehouse, resolved and closed a close with a reason); one of ${MANUAL_STATES.join(', ')}`, CASE_FAILURE.INVALID_TRANSITION);
        if (!run.canMove(state)) throw refuse(`state: a case in ${run.state} cannot move to ${state}`, CASE_FAILURE.INVALID_TRANSITION);
      },
    },
  );
  setHandler(
    resolveCase,
    ({ reason, actor }) => {
      resolve(run, reason.trim(), actor);
      return run.snapshot();
    },
    {
      validator: ({ reason }) => {
        notClosed(run);
        if (!reason.trim()) throw refuse('reason: closing a case needs a reason', CASE_FAILURE.REASON_REQUIRED);
      },
    },
  );
  setHandler(returnReceived, (r) => receiveReturn(run, r), {
    validator: (r) => {
      notClosed(run);
      if (!run.returnReceived && !run.restocking && restockLines(run, r).length === 0) throw refuse('lines: no line of the case names a SKU to restock; give lines[].sku', CASE_FAILURE.NOTHING_TO_RESTOCK);
    },
  });
}

/** The units to put back: the reported lines (sku from the report or the case), else every case line in full. */
function restockLines(run: CaseRun, r: ReturnReceivedInput): { lineId: string; sku: string; qty: number }[] {
  const wanted: CaseLine[] = r.lines ? r.lines.map((l) => ({ lineId: l.lineId, qty: l.qty, sku: l.sku ?? run.lines.find((x) => x.lineId === l.lineId)?.sku ?? null })) : run.lines;
  return wanted.flatMap((l) => (l.sku && l.qty > 0 ? [{ lineId: l.lineId, sku: l.sku, qty: l.qty }] : []));
}

/**
 * The goods are back: restocked (or quarantined, per config) exactly once. A repeat, even one
 * arriving while the first is still at Redis, answers with the case and restocks nothing.
 */
async function receiveReturn(run: CaseRun, r: ReturnReceivedInput) {
  if (run.returnReceived || run.restocking) {
    await condition(() => run.returnReceived);
    return run.snapshot();
  }
  run.restocking = true;
  await condition(() => run.settings !== null);
  const s = run.settings;
  if (!s) throw refuse('case settings missing', CASE_FAILURE.NOTHING_TO_RESTOCK);
  const lines = restockLines(run, r);
  const out = await caseStore.restockReturn({ restockKey: `${run.workflowId}:return`, warehouse: s.warehouse, lines, disposition: s.returns.disposition, location: s.returns.quarantineLocation });
  run.returnReceived = true;
  run.restocking = false;
  const where = out.disposition === 'quarantine' ? `moved to quarantine location ${out.location}` : `restocked in ${s.warehouse}`;
  const what = lines.map((l) => `${l.sku} x${l.qty}`).join(', ');
  run.log('restocked', `${out.applied ? where : `already ${where} before`}: ${what}`, r.actor, false);
  if (run.state !== CASE_STATE.RETURN_RECEIVED && run.canMove(CASE_STATE.RETURN_RECEIVED)) run.moveTo(CASE_STATE.RETURN_RECEIVED, `return received${r.note ? `: ${r.note}` : ''}`, r.actor);
  closeIfDone(run, run.input.platform);
  return run.snapshot();
}
