import { condition } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from '../../states.js';
import { compensate, store } from '../activities.js';
import type { OrderRun } from '../run.js';
import { STEP, type StepResult } from './step.js';
import { stockLines } from './stock.js';

/**
 * 1. Payment. An unpaid order reserves stock for its countdown; a pre-sale order waits for its
 *    balance before any stock is allocated.
 */
export async function awaitPayment(run: OrderRun): Promise<StepResult> {
  const s = run.s;
  if (!s) return STEP.NEXT;
  if (!run.paid) {
    run.moveTo(LIFECYCLE_STATE.AWAITING_PAYMENT, 'platform reports unpaid', 'platform');
    const expiresAt = Date.now() + s.unpaidLockMinutes * 60_000;
    run.compensations.push({ name: 'release unpaid lock', run: () => compensate.releaseInventory({ holdKey: run.holdKey, reason: 'unpaid' }) });
    const lock = await store.lockInventory({ holdKey: run.holdKey, warehouse: s.warehouse, lines: stockLines(run), expiresAt });
    run.note(lock.ok ? 'stock reserved for the payment countdown' : `no stock reserved while unpaid (${lock.reason})`);
    const inTime = await condition(() => run.paid || run.cancelRequest !== null, s.unpaidLockMinutes * 60_000);
    if (!inTime) run.cancelRequest = { cause: `unpaid after ${s.unpaidLockMinutes} minutes`, actor: 'hub' };
    if (run.cancelRequest) return STEP.CANCEL;
    if (lock.ok) {
      const c = await store.confirmInventoryPaid({ holdKey: run.holdKey });
      if (!c.confirmed) {
        // The countdown sweep released it first: lock again under a new key.
        run.compensations.pop();
        run.nextLockKey();
      }
    } else {
      run.compensations.pop();
    }
  }
  if (!run.balancePaid) {
    run.moveTo(LIFECYCLE_STATE.AWAITING_PAYMENT, 'pre-sale: deposit paid, waiting for the balance', 'platform');
    await condition(() => run.balancePaid || run.cancelRequest !== null);
    if (run.cancelRequest) return STEP.CANCEL;
  }
  run.paidSeenAt = Date.now();
  run.moveTo(LIFECYCLE_STATE.PAID, run.paidVia ?? `platform status ${run.order.platformStatus}`, 'platform');
  return STEP.NEXT;
}
