import { condition, patched } from '@temporalio/workflow';
import { DEFAULT_SHIP_BY_HOURS, HOLD_REASON, PATCH } from './constants.js';
import { notifyPeople } from './notify.js';
import { FINAL_STATES } from './phases.js';
import type { OrderRun } from './run.js';

/** The warning comes when this share of the ship-by time has passed (6 h before a 48 h deadline). */
const WARN_AT_SHARE = 0.875;

/**
 * Platforms penalise a shipment confirmed late (commonly 48 h after payment). From payment on, a
 * watcher runs beside the steps: if the platform has not been told by the warning time (the order
 * waits on stock, a person or the platform), the order is flagged on its timeline and in its
 * HoldReason search attribute, and the people configured for `ship_by_near` are told, once.
 */
export function watchShipBy(run: OrderRun): void {
  const s = run.s;
  if (!s?.shipmentConfirm?.[run.order.source.channel] || !patched(PATCH.SHIP_BY_DEADLINE)) return;
  const hours = s.shipByHours ?? DEFAULT_SHIP_BY_HOURS;
  const paidAt = run.order.paidAt ? Date.parse(run.order.paidAt) : run.paidSeenAt;
  const deadline = paidAt + hours * 3_600_000;
  const warnAt = paidAt + hours * 3_600_000 * WARN_AT_SHARE;
  const settled = () => run.confirmedWaybill !== null || FINAL_STATES.includes(run.state);
  void (async () => {
    if (await condition(settled, Math.max(1, warnAt - Date.now()))) return;
    const message = `not yet confirmed to the platform; ship-by deadline ${new Date(deadline).toISOString()} (${hours} h after payment)`;
    run.note(`ship-by deadline near: ${message}`);
    if (!run.hold) run.showHoldReason(HOLD_REASON.SHIP_BY_NEAR);
    await notifyPeople(run, HOLD_REASON.SHIP_BY_NEAR, null, message);
  })();
}
