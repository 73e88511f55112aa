import { condition, patched } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from '../states.js';
import { store } from './activities.js';
import { processAddressChanges } from './address.js';
import { HOLD_REASON, PATCH } from './constants.js';
import { holdUntilApproved } from './decisions.js';
import type { OrderRun } from './run.js';
import { STEP, type StepResult } from './steps/step.js';
import { stockLines } from './steps/stock.js';

/**
 * Before each shipping step: nothing moves while the platform forbids shipping or a refund request
 * is open. The order waits in platform_hold (no person needed: the platform decides), applying
 * address changes meanwhile. Refunded lines are dropped and their stock released; a fully refunded
 * order closes; a cancel or a shipment elsewhere stops the run.
 */
export async function platformGate(run: OrderRun): Promise<StepResult> {
  if (!patched(PATCH.PLATFORM_GATE)) return STEP.NEXT;
  const blocked = () => run.platformHold || run.openRefunds.size > 0;
  if (blocked() && !run.cancelRequest && !run.shippedElsewhere) {
    const before = run.state;
    const reason = run.platformHold ? HOLD_REASON.PLATFORM_HOLD : HOLD_REASON.REFUND_REQUESTED;
    run.moveTo(LIFECYCLE_STATE.PLATFORM_HOLD, run.platformHold ? `platform forbids shipping for now (${run.order.platformStatus})` : `refund requested on line(s) ${[...run.openRefunds].join(', ')}: nothing ships until it is decided`, 'platform');
    run.showHoldReason(reason);
    for (;;) {
      await condition(() => !blocked() || run.cancelRequest !== null || run.shippedElsewhere !== null || run.addressQueue.length > 0);
      if (run.addressQueue.length) {
        await processAddressChanges(run);
        continue;
      }
      break;
    }
    run.showHoldReason(null);
    if (!run.cancelRequest && !run.shippedElsewhere) run.moveTo(before, 'platform: may ship again', 'platform');
  }
  if (run.cancelRequest) return STEP.CANCEL;
  if (run.shippedElsewhere) {
    run.cancelRequest = { cause: `shipped outside the hub (platform status ${run.shippedElsewhere})`, actor: 'platform' };
    run.closeAs = { state: LIFECYCLE_STATE.COMPLETED, reason: 'shipped_elsewhere' };
    return STEP.CANCEL;
  }
  return dropRefundedLines(run);
}

/** Refunded lines leave the order; their stock goes back (the rest is locked again under a new key). */
export async function dropRefundedLines(run: OrderRun): Promise<StepResult> {
  const gone = run.order.lines.filter((l) => run.refundedLines.has(l.lineId));
  if (!gone.length) return STEP.NEXT;
  run.order.lines = run.order.lines.filter((l) => !run.refundedLines.has(l.lineId));
  if (!run.order.lines.some((l) => !l.gift)) {
    run.cancelRequest = { cause: 'every line refunded on the platform', actor: 'platform' };
    run.closeAs = { state: LIFECYCLE_STATE.CLOSED, reason: 'refunded' };
    return STEP.CANCEL;
  }
  run.note(`refunded line(s) dropped: ${gone.map((l) => `${l.lineId} (${l.title})`).join(', ')}`, 'platform');
  const s = run.s;
  const locked = run.timeline.some((t) => t.state === LIFECYCLE_STATE.INVENTORY_LOCKED);
  if (!s || !locked) return STEP.NEXT;
  await store.releaseInventory({ holdKey: run.holdKey, reason: 'lines refunded' });
  run.nextLockKey();
  for (;;) {
    const lock = await store.lockInventory({ holdKey: run.holdKey, warehouse: s.warehouse, lines: stockLines(run), expiresAt: null });
    if (lock.ok) {
      run.note(`stock of the remaining ${lock.locked.length} line(s) locked again; refunded lines' stock released`);
      return STEP.NEXT;
    }
    run.nextLockKey();
    if (!(await holdUntilApproved(run, HOLD_REASON.INSUFFICIENT_STOCK, 3, `could not lock the remaining lines again after a partial refund (${lock.reason})`, 'insufficient stock'))) return STEP.CANCEL;
  }
}
