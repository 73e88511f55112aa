import { condition, patched } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from '../../states.js';
import { compensate, shortStep } from '../activities.js';
import { DEFAULT_UNPAID_CLOSE_HOURS, PATCH } from '../constants.js';
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
    run.compensations.push({ name: 'release unpaid lock', run: () => shortStep(run, 'release unpaid lock', (a) => a.releaseInventory({ holdKey: run.holdKey, reason: 'unpaid' }), compensate) });
    const lock = await shortStep(run, 'stock reservation', (a) => a.lockInventory({ holdKey: run.holdKey, warehouse: s.warehouse, lines: stockLines(run), expiresAt }));
    run.note(lock.ok ? 'stock reserved for the payment countdown' : `no stock reserved while unpaid (${lock.reason})`);
    const inTime = await condition(() => run.paid || run.cancelRequest !== null, s.unpaidLockMinutes * 60_000);
    if (!inTime && patched(PATCH.UNPAID_RELEASES_STOCK)) return awaitLatePayment(run, lock.ok);
    if (!inTime) run.cancelRequest = { cause: `unpaid after ${s.unpaidLockMinutes} minutes`, actor: 'hub' };
    if (run.cancelRequest) return STEP.CANCEL;
    if (lock.ok) {
      const c = await shortStep(run, 'stock confirm paid', (a) => a.confirmInventoryPaid({ holdKey: run.holdKey }));
      if (!c.confirmed) {
        // The countdown sweep released it first: lock again under a new key.
        run.compensations.pop();
        run.nextLockKey();
      }
    } else {
      run.compensations.pop();
    }
  }
  return awaitBalance(run);
}

/**
 * The countdown ended unpaid: its stock goes back to the pool (the seeds: 释放锁定库存), but the
 * order stays open, as it does on the platform. A payment later locks stock again at the lock
 * step (waiting or holding if it is gone meanwhile); no payment within unpaidCloseHours of the
 * order's creation closes it as unpaid_expired, calling nobody (the platform closes its own).
 */
async function awaitLatePayment(run: OrderRun, locked: boolean): Promise<StepResult> {
  const s = run.s;
  if (!s) return STEP.NEXT;
  run.compensations.pop();
  if (locked) {
    await shortStep(run, 'stock release', (a) => a.releaseInventory({ holdKey: run.holdKey, reason: 'unpaid countdown ended' }));
    run.nextLockKey();
  }
  const closeHours = s.unpaidCloseHours ?? DEFAULT_UNPAID_CLOSE_HOURS;
  run.note(`unpaid after ${s.unpaidLockMinutes} minutes: ${locked ? 'stock released' : 'nothing was reserved'}; waiting for payment up to ${closeHours} h after the order was placed`);
  const closesAt = Date.parse(run.order.createdAt) + closeHours * 3_600_000;
  const paidLater = await condition(() => run.paid || run.cancelRequest !== null, Math.max(1, closesAt - Date.now()));
  if (!paidLater) {
    run.cancelRequest = { cause: `unpaid_expired: not paid within ${closeHours} h`, actor: 'hub' };
    run.closeAs = { state: LIFECYCLE_STATE.CLOSED, reason: 'unpaid_expired' };
  }
  if (run.cancelRequest) return STEP.CANCEL;
  return awaitBalance(run);
}

/** Pre-sale: the deposit is paid; stock waits for the balance. Then the order is paid. */
async function awaitBalance(run: OrderRun): Promise<StepResult> {
  if (!run.balancePaid) {
    run.moveTo(LIFECYCLE_STATE.AWAITING_PAYMENT, 'pre-sale: deposit paid, waiting for the balance', 'platform');
    await condition(() => run.balancePaid || run.cancelRequest !== null);
    if (run.cancelRequest) return STEP.CANCEL;
  }
  run.paidSeenAt = Date.now();
  run.moveTo(LIFECYCLE_STATE.PAID, run.paidVia ?? `platform status ${run.order.platformStatus}`, 'platform');
  return STEP.NEXT;
}
