import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ORDER_STATUS } from '../canonical/status.js';
import type { CanonicalOrder } from '../canonical/order.js';
import { LIFECYCLE_STATE } from '../../workflows/states.js';

/** The cause the lifecycle writes when the hub itself closes an order nobody paid for. */
const HUB_UNPAID_CLOSE = /^unpaid_expired\b/;

/** What a finished run answered, as far as deciding a reopen needs it. */
const FinishedRun = z.looseObject({
  state: z.string(),
  timeline: z.array(z.looseObject({ cause: z.string(), actor: z.string() })),
});

/** A copy that says the buyer paid (shipping allowed now or later). */
export function saysPaid(order: CanonicalOrder): boolean {
  return order.status === ORDER_STATUS.PAID || order.status === ORDER_STATUS.PAID_ON_HOLD;
}

/**
 * Whether the order's last run ended because the hub closed it unpaid (lifecycle.unpaidCloseHours,
 * which may come before the platform's own close). Only then does a paid copy start the lifecycle
 * again: any other end (shipped, cancelled, refunded, closed by the platform) stays final.
 */
export async function closedUnpaidByHub(temporal: Client, workflowId: string): Promise<boolean> {
  const handle = temporal.workflow.getHandle(workflowId);
  const d = await handle.describe();
  if (d.status.name !== 'COMPLETED') return false;
  const r = FinishedRun.safeParse(await handle.result());
  if (!r.success || r.data.state !== LIFECYCLE_STATE.CLOSED) return false;
  const last = r.data.timeline.at(-1);
  return last !== undefined && last.actor === 'hub' && HUB_UNPAID_CLOSE.test(last.cause);
}
