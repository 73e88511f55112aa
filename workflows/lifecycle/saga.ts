import { CancellationScope } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from '../states.js';
import { store } from './activities.js';
import { HOLD_REASON } from './constants.js';
import { notifyPeople } from './notify.js';
import type { OrderRun } from './run.js';
import type { OrderState } from './types.js';

/** Runs the saga backwards; a compensation that still fails after its retries goes to a person. */
export async function runCompensations(run: OrderRun, cause: string, actor: string): Promise<string[]> {
  const failed: string[] = [];
  await CancellationScope.nonCancellable(async () => {
    while (run.compensations.length) {
      const c = run.compensations.pop();
      if (!c) break;
      try {
        await c.run();
        run.note(`compensated: ${c.name}`, actor);
      } catch (err) {
        failed.push(c.name);
        run.note(`compensation failed: ${c.name}: ${err instanceof Error ? err.message : String(err)}`, actor);
      }
    }
  });
  if (failed.length) {
    await CancellationScope.nonCancellable(async () => {
      const since = run.now();
      run.hold = { reason: HOLD_REASON.COMPENSATION_FAILED, level: null, message: `could not undo: ${failed.join(', ')}`, since };
      await store.requestDecision({ orderKey: run.input.orderKey, workflowId: run.workflowId, reason: HOLD_REASON.COMPENSATION_FAILED, level: null, message: `${cause}; could not undo: ${failed.join(', ')}`, since, actions: ['approve'] });
      await notifyPeople(run, HOLD_REASON.COMPENSATION_FAILED, null, `${cause}; could not undo: ${failed.join(', ')}`);
    });
  }
  return failed;
}

/** Undoes what was done and ends the order cancelled (closed, when the platform refunded it). */
export async function cancel(run: OrderRun): Promise<OrderState> {
  const req = run.cancelRequest ?? { cause: 'cancelled', actor: 'hub' };
  const failed = await runCompensations(run, req.cause, req.actor);
  run.moveTo(run.closeAs?.state ?? (run.order.status === 'closed_by_refund' ? LIFECYCLE_STATE.CLOSED : LIFECYCLE_STATE.CANCELLED), req.cause, req.actor);
  run.cancelOutcome = { cancelled: true, failedCompensations: failed };
  run.markDecisionTaken();
  return run.snapshot();
}
