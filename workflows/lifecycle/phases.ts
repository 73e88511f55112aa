import { LIFECYCLE_STATE, type LifecycleState } from '../states.js';

/** The parcel has left: cancelling is an after-sales return, an address change goes to review. */
export const SHIPPED_STATES: readonly LifecycleState[] = [LIFECYCLE_STATE.IN_TRANSIT, LIFECYCLE_STATE.DELIVERED, LIFECYCLE_STATE.COMPLETED];
export const FINAL_STATES: readonly LifecycleState[] = [LIFECYCLE_STATE.COMPLETED, LIFECYCLE_STATE.CANCELLED, LIFECYCLE_STATE.CLOSED];
