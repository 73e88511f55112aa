import { condition, ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from '../../states.js';
import { stockSync } from '../../stock-sync.js';
import { compensate, shortStep } from '../activities.js';
import { HOLD_REASON, PATCH } from '../constants.js';
import { holdUntilApproved } from '../decisions.js';
import type { OrderRun } from '../run.js';
import { STEP, type StepResult } from './step.js';

/** The lines that take stock: refunded lines and lines without a merchant SKU do not. */
export function stockLines(run: OrderRun): { lineId: string; sku: string; qty: number }[] {
  return run.order.lines.filter((l) => l.refundStatus !== 'refunded' && l.merchantSku).map((l) => ({ lineId: l.lineId, sku: l.merchantSku ?? '', qty: l.quantity }));
}

/** 3. Inventory: never proceed unlocked. No stock: wait and retry, or hold for a person (config). */
export async function lockStock(run: OrderRun): Promise<StepResult> {
  const s = run.s;
  if (!s) return STEP.NEXT;
  for (;;) {
    run.compensations.push({ name: 'release stock', run: () => shortStep(run, 'release stock', (a) => a.releaseInventory({ holdKey: run.holdKey, reason: 'cancelled' }), compensate) });
    const lock = await shortStep(run, 'stock lock', (a) => a.lockInventory({ holdKey: run.holdKey, warehouse: s.warehouse, lines: stockLines(run), expiresAt: null }));
    if (lock.ok) {
      run.moveTo(LIFECYCLE_STATE.INVENTORY_LOCKED, `locked ${lock.locked.length} line(s) in ${s.warehouse}`, 'hub', lock.doneAt);
      // The WMS could not confirm these figures at the last sync: say what the check relied on.
      if (lock.staleStock?.length) run.note(`availability checked against cached stock (WMS unreachable): ${lock.staleStock.map((x) => `${x.sku} as of ${x.fetchedAt}, ${Math.round(x.ageMs / 1000)}s old`).join('; ')}`);
      const platforms = s.stockPushPlatforms ?? [];
      if (patched(PATCH.STOCK_PUSH_ON_DEPLETION) && lock.depleted.length && platforms.length) {
        // A SKU just sold out: tell every platform now rather than at the next scheduled push.
        await startChild(stockSync, {
          workflowId: `${run.workflowId}:stock-push`,
          args: [{ warehouse: s.warehouse, wms: null, platforms, skus: lock.depleted }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        run.note(`sold out: ${lock.depleted.join(', ')}; pushing 0 to ${platforms.join(', ')}`);
      }
      break;
    }
    run.compensations.pop();
    if (lock.reason === 'closed') {
      run.nextLockKey();
      continue;
    }
    const why = lock.reason === 'insufficient' || lock.reason === 'unknown_sku' ? lock.shortages.map((x) => `${x.sku}: need ${x.requested}, have ${x.available}`).join('; ') : lock.reason;
    if (s.onLockFailure === 'wait') {
      run.note(`no stock (${why}); retrying in ${s.lockRetrySeconds}s`);
      if (await condition(() => run.cancelRequest !== null, s.lockRetrySeconds * 1000)) return STEP.CANCEL;
      continue;
    }
    // Approve = stock was added: try again.
    if (!(await holdUntilApproved(run, HOLD_REASON.INSUFFICIENT_STOCK, 3, why, 'insufficient stock'))) return STEP.CANCEL;
  }
  return run.cancelRequest ? STEP.CANCEL : STEP.NEXT;
}
