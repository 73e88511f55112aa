// Workflow bundle for the engine-floor benchmark (bundled on its own, run on its own task queue).
// It imports only the workflow SDK, like workflows/, so it runs in the same sandbox.
import { proxyActivities } from '@temporalio/workflow';

/**
 * How many activities the floor workflow runs. It MUST follow orderLifecycle in
 * workflows/order-lifecycle.ts (today: one activity, recordOrder): the floor is "what Temporal
 * alone costs for a workflow of the same shape", so when orderLifecycle gains a step, raise this.
 */
export const FLOOR_ACTIVITY_COUNT = 1;

export interface FloorActivities {
  noop(step: number): Promise<void>;
}

// Same activity options as orderLifecycle, so retries/timeouts never differ between the two sides.
const { noop } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3, initialInterval: '200 milliseconds', backoffCoefficient: 2 },
});

export async function benchFloor(): Promise<number> {
  for (let i = 0; i < FLOOR_ACTIVITY_COUNT; i++) await noop(i);
  return FLOOR_ACTIVITY_COUNT;
}

/**
 * Section C floor: the activities orderLifecycle runs for a paid order (rules on, courier and WMS
 * configured, nothing held, no sell-out) up to and including the WMS push, counted from
 * workflows/order-lifecycle.ts:
 *   1. store.recordOrder
 *   2. store.checkOrderRules        (step 2, risk check and rules)
 *   3. store.lockInventory          (step 3, expiresAt null: the paid lock)
 *   4. invokeAdapter waybill.create (step 4, issueWaybill)
 *   5. invokeAdapter wms.order.push (step 5, pushToWms)
 * An unpaid order adds lockInventory + confirmInventoryPaid, a sell-out a child workflow; the bench
 * sends neither. When orderLifecycle gains a step on that path, raise this.
 */
export const LIFECYCLE_FLOOR_ACTIVITY_COUNT = 5;
/** How many of those run with the store options; the rest with the adapter options. */
const LIFECYCLE_STORE_STEPS = 3;

// The adapter steps' options as adapterActivities builds them from the bench hub's retry settings.
const { noop: adapterNoop } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: 1000, backoffCoefficient: 2 },
});

export async function benchLifecycleFloor(): Promise<number> {
  for (let i = 0; i < LIFECYCLE_FLOOR_ACTIVITY_COUNT; i++) await (i < LIFECYCLE_STORE_STEPS ? noop(i) : adapterNoop(i));
  return LIFECYCLE_FLOOR_ACTIVITY_COUNT;
}
