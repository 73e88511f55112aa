import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ORDER_STATUS } from '../canonical/status.js';
import type { CanonicalOrder } from '../canonical/order.js';
import { closedUnpaidByHub as endedUnpaidByHub } from '../../workflows/states.js';

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
  return r.success && endedUnpaidByHub(r.data.state, r.data.timeline);
}
