import { LIFECYCLE_STATE } from '../../states.js';
import { ORDER_STATUS, SHIPPED_ORDER_STATUSES } from '../constants.js';
import type { OrderRun } from '../run.js';
import type { OrderState } from '../types.js';

/**
 * An order first seen past payment (a poll looking back over orders already handled, a shop
 * moving onto the hub): shipped, delivered or completed means shipped outside the hub, recorded
 * and left alone (no lock, waybill, WMS push or confirmation). Partly shipped: only the lines not
 * yet shipped go on. Returns the final state when there is nothing left to do.
 */
export function takeAsFound(run: OrderRun): OrderState | null {
  const status = run.order.status;
  if (SHIPPED_ORDER_STATUSES.includes(status)) {
    run.moveTo(LIFECYCLE_STATE.COMPLETED, `shipped outside the hub (platform status ${run.order.platformStatus} at first sight): nothing locked, waybilled, pushed or confirmed`, 'platform');
    return run.snapshot();
  }
  if (status === ORDER_STATUS.PARTIALLY_SHIPPED) {
    const shipped = run.order.lines.filter((l) => l.status && SHIPPED_ORDER_STATUSES.includes(l.status));
    run.order.lines = run.order.lines.filter((l) => !shipped.includes(l));
    if (!run.order.lines.length) {
      run.moveTo(LIFECYCLE_STATE.COMPLETED, 'partly shipped, yet every line is shipped: nothing left to ship', 'platform');
      return run.snapshot();
    }
    run.note(`partly shipped on the platform: ${shipped.length ? `line(s) ${shipped.map((l) => l.lineId).join(', ')} already shipped, ` : ''}${run.order.lines.length} line(s) left to ship`, 'platform');
  }
  return null;
}
