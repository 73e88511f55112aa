import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from './states.js';
import { shortStep } from './lifecycle/activities.js';
import { PATCH, SHIP_CONFIRM_AT } from './lifecycle/constants.js';
import { platformGate } from './lifecycle/gate.js';
import { processAddressChanges } from './lifecycle/address.js';
import { registerHandlers } from './lifecycle/handlers.js';
import { OrderRun } from './lifecycle/run.js';
import { startProjection } from './lifecycle/projection.js';
import { reopenIfPaidWhileClosing } from './lifecycle/reopen.js';
import { watchShipBy } from './lifecycle/ship-by.js';
import { cancel } from './lifecycle/saga.js';
import { takeAsFound } from './lifecycle/steps/as-found.js';
import { requestWaybill, sendToWarehouse } from './lifecycle/steps/dispatch.js';
import { watchRefundsAfterPickup } from './lifecycle/after-sales.js';
import { awaitPayment } from './lifecycle/steps/payment.js';
import { checkRules } from './lifecycle/steps/rules.js';
import { confirmToPlatform } from './lifecycle/steps/ship-confirm.js';
import { STEP } from './lifecycle/steps/step.js';
import { lockStock } from './lifecycle/steps/stock.js';
import { awaitDelivery, awaitPickup, recordPickup } from './lifecycle/steps/transit.js';
import type { OrderLifecycleInput, OrderState } from './lifecycle/types.js';

export * from './lifecycle/definitions.js';
export type * from './lifecycle/types.js';

/**
 * One order's life: received, paid, checked, stock locked, waybilled, pushed to the warehouse,
 * picked up, delivered. Each step lives in ./lifecycle/steps; a step that says CANCEL (or a cancel
 * request seen between steps) runs the saga's compensations backwards. Address changes queue up
 * and are applied between steps, never during one.
 */
export async function orderLifecycle(input: OrderLifecycleInput): Promise<OrderState> {
  const run = new OrderRun(input);
  registerHandlers(run);
  // Only workflows started by a hub with an order store project (older histories never call patched here).
  const projection = input.projection && patched(PATCH.ORDER_STORE_PROJECTION) ? startProjection(run, input.projectionSeqFloor !== undefined && patched(PATCH.PROJECTION_SEQ_AFTER_REOPEN) ? input.projectionSeqFloor : 0) : null;
  if (!projection) return reopenIfPaidWhileClosing(run, await lifecycle(run), 0);
  let end: OrderState;
  try {
    end = await lifecycle(run);
  } finally {
    // However the run ends (done, closed, cancelled, failed), the store gets its last view.
    await projection.flush();
  }
  return reopenIfPaidWhileClosing(run, end, projection.seq());
}

async function lifecycle(run: OrderRun): Promise<OrderState> {
  const input = run.input;
  run.moveTo(LIFECYCLE_STATE.RECEIVED, `received via ${input.receivedVia.kind}`, input.order.source.channel);
  run.localSteps = patched(PATCH.LOCAL_STORE_STEPS);
  // Idempotency key = workflow id + step: a retried activity writes the same record once.
  await shortStep(run, 'record', (a) => a.recordOrder({ idempotencyKey: `${run.workflowId}:record`, orderKey: input.orderKey, order: input.order }));

  if (!run.s) return intakeOnly(run);
  if (run.order.status === 'cancelled' || run.order.status === 'closed_by_refund') {
    run.cancelRequest = { cause: `platform reports ${run.order.status}`, actor: 'platform' };
    return cancel(run);
  }

  if (patched(PATCH.ORDER_AS_FOUND)) {
    const found = takeAsFound(run);
    if (found) return found;
  }

  try {
    if ((await awaitPayment(run)) === STEP.CANCEL) return await cancel(run);
    watchShipBy(run);
    await processAddressChanges(run);
    if ((await platformGate(run)) === STEP.CANCEL) return await cancel(run);
    if ((await checkRules(run)) === STEP.CANCEL) return await cancel(run);
    if ((await lockStock(run)) === STEP.CANCEL) return await cancel(run);

    if ((await platformGate(run)) === STEP.CANCEL) return await cancel(run);
    if ((await requestWaybill(run)) === STEP.CANCEL) return await cancel(run);
    if (await cancelledBetweenSteps(run)) return await cancel(run);
    if ((await confirmToPlatform(run, SHIP_CONFIRM_AT.WAYBILL)) === STEP.CANCEL) return await cancel(run);
    if ((await platformGate(run)) === STEP.CANCEL) return await cancel(run);
    if ((await sendToWarehouse(run)) === STEP.CANCEL) return await cancel(run);
    if (await cancelledBetweenSteps(run)) return await cancel(run);
    // An address change during the push may have re-issued the waybill the platform was told of.
    if ((await confirmToPlatform(run, SHIP_CONFIRM_AT.WAYBILL)) === STEP.CANCEL) return await cancel(run);

    if ((await awaitPickup(run)) === STEP.CANCEL) return await cancel(run);
    await recordPickup(run);
    if (patched(PATCH.REFUND_AFTER_PICKUP_CASE)) watchRefundsAfterPickup(run);
    await awaitDelivery(run);
    return run.snapshot();
  } catch (err) {
    if (isCancellation(err)) {
      // The workflow itself was cancelled (an SRE): undo what was done, then let it end cancelled.
      run.cancelRequest ??= { cause: 'workflow cancelled', actor: 'temporal' };
      await CancellationScope.nonCancellable(() => cancel(run));
    }
    throw err;
  }
}

/** Applies the address changes that queued up during the step; true when a cancel is waiting. */
async function cancelledBetweenSteps(run: OrderRun): Promise<boolean> {
  await processAddressChanges(run);
  return run.cancelRequest !== null;
}

/** No downstream configured for this hub: record the order with the platform's status, nothing else. */
function intakeOnly(run: OrderRun): OrderState {
  const status = run.order.status;
  if (status === 'awaiting_payment') run.moveTo(LIFECYCLE_STATE.AWAITING_PAYMENT, 'platform reports unpaid', 'platform');
  else if (status === 'cancelled') run.moveTo(LIFECYCLE_STATE.CANCELLED, 'platform reports cancelled', 'platform');
  else if (status === 'closed_by_refund') run.moveTo(LIFECYCLE_STATE.CLOSED, 'platform reports refunded', 'platform');
  else run.moveTo(LIFECYCLE_STATE.PAID, `platform status ${run.order.platformStatus}`, 'platform');
  return run.snapshot();
}
