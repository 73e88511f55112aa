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
