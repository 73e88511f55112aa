import { LIFECYCLE_STATE } from '../../states.js';
import { shortStep } from '../activities.js';
import { DECISION_CANCELLED, waitForDecision } from '../decisions.js';
import type { OrderRun } from '../run.js';
import { STEP, type StepResult } from './step.js';

/** 2. Risk check and rules: interception levels, gifts, carrier. A level-1 hold may be answered with a corrected address. */
export async function checkRules(run: OrderRun): Promise<StepResult> {
  const s = run.s;
  for (;;) {
    if (!s?.rules) break;
    run.moveTo(LIFECYCLE_STATE.RISK_CHECK, 'rules');
    const check = await shortStep(run, 'rules', (a) => a.checkOrderRules({ orderKey: run.input.orderKey, order: run.order }));
    run.carrier = check.carrier;
    run.surcharge = check.surcharge;
    for (const g of check.giftLines) {
      if (!run.order.lines.some((l) => l.lineId === g.lineId)) {
        run.order.lines.push(g);
        run.note(`gift added: ${g.title} x${g.quantity} (${g.gift?.labelPosition ?? 'no label'})`);
      }
    }
    const first = check.holds[0];
    if (!first) break;
    const d = await waitForDecision(run, first.code, first.level, check.holds.map((h) => h.reason).join('; '), first.level === 1 ? ['approve', 'reject', 'edit'] : ['approve', 'reject']);
    if (d === DECISION_CANCELLED || d.action === 'reject') {
      if (d !== DECISION_CANCELLED) run.cancelRequest = { cause: `rejected: ${first.code}`, actor: d.actor };
      return STEP.CANCEL;
    }
    if (d.action === 'edit') {
      run.order.address = d.address;
      run.markDecisionTaken();
      continue; // re-check with the corrected address
    }
    run.markDecisionTaken();
    break; // approved despite the hold
  }
  return run.cancelRequest ? STEP.CANCEL : STEP.NEXT;
}
