import { defineQuery, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../src/activities/index.js';
import type { CanonicalOrder } from '../src/canonical/order.js';
import { LIFECYCLE_STATE, type LifecycleState, type TimelineEntry } from './states.js';
import { SA_ORDER_STATUS } from './search-attributes.js';

/** Workflow arguments are plain JSON: the canonical order plus what produced it. */
export interface OrderLifecycleInput {
  orderKey: string;
  order: CanonicalOrder;
  /** Which inbound mapping made the order; recorded so in-flight orders keep their versions. */
  mappings: Record<string, number>;
  receivedVia: { kind: 'webhook' | 'poll' | 'replay' | 'api'; deliveryId?: string | null };
  /** False when the cluster lacks the custom search attributes (see src/temporal/search-attributes.ts). */
  searchAttributes: boolean;
}

export interface OrderState {
  orderKey: string;
  state: LifecycleState;
  platformStatus: string;
  timeline: TimelineEntry[];
  mappings: Record<string, number>;
  order: CanonicalOrder;
}

export const getOrderState = defineQuery<OrderState>('getOrderState');

const { recordOrder } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3, initialInterval: '200 milliseconds', backoffCoefficient: 2 },
});

export async function orderLifecycle(input: OrderLifecycleInput): Promise<OrderState> {
  const { workflowId } = workflowInfo();
  const timeline: TimelineEntry[] = [];
  let state: LifecycleState = LIFECYCLE_STATE.RECEIVED;

  const moveTo = (next: LifecycleState, cause: string, actor = 'hub') => {
    state = next;
    timeline.push({ state: next, at: new Date().toISOString(), cause, actor });
    if (input.searchAttributes) upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: next }]);
  };

  setHandler(getOrderState, () => ({
    orderKey: input.orderKey,
    state,
    platformStatus: input.order.platformStatus,
    timeline,
    mappings: input.mappings,
    order: input.order,
  }));

  moveTo(LIFECYCLE_STATE.RECEIVED, `received via ${input.receivedVia.kind}`, input.order.source.channel);

  // Idempotency key = workflow id + step: a retried activity writes the same record once.
  await recordOrder({ idempotencyKey: `${workflowId}:record`, orderKey: input.orderKey, order: input.order });

  if (input.order.status === 'awaiting_payment') moveTo(LIFECYCLE_STATE.AWAITING_PAYMENT, 'platform reports unpaid', 'platform');
  else if (input.order.status === 'cancelled') moveTo(LIFECYCLE_STATE.CANCELLED, 'platform reports cancelled', 'platform');
  else if (input.order.status === 'closed_by_refund') moveTo(LIFECYCLE_STATE.CLOSED, 'platform reports refunded', 'platform');
  else moveTo(LIFECYCLE_STATE.PAID, `platform status ${input.order.platformStatus}`, 'platform');

  return { orderKey: input.orderKey, state, platformStatus: input.order.platformStatus, timeline, mappings: input.mappings, order: input.order };
}
