import { WorkflowFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { CanonicalOrder } from '../../canonical/order.js';
import { getOrderState } from '../../../workflows/order-lifecycle.js';
import { LIFECYCLE_STATE } from '../../../workflows/states.js';
import { errorMessage } from '../../util/errors.js';
import type { OrderStore } from './order-store.js';

/** What a lifecycle workflow reports of itself (its query and its result), parsed before it is stored. */
const WorkflowOrderState = z
  .object({
    orderKey: z.string().min(1),
    state: z.enum(LIFECYCLE_STATE),
    platformStatus: z.string(),
    timeline: z.array(z.object({ state: z.enum(LIFECYCLE_STATE), at: z.string(), cause: z.string(), actor: z.string() })),
    order: CanonicalOrder,
    hold: z.object({ reason: z.string(), level: z.number().nullable(), message: z.string(), since: z.string() }).nullable(),
    carrier: z.string().nullable(),
    waybillNo: z.string().nullable(),
  })
  .loose();

export interface RebuildReport {
  listed: number;
  written: number;
  /** Rows the workflow projected itself: newer than anything a back-fill could write. */
  alreadyProjected: number;
  failed: { workflowId: string; reason: string }[];
}

/**
 * Back-fills the store from Temporal for orders that existed before it: every orderLifecycle
 * workflow is listed; a completed one is read from its result, any other from its query (which
 * needs a worker of the task queue up to replay it). Written at seq 0, so a workflow's own
 * projection always wins and the back-fill can be run again to refresh the rest.
 */
export async function rebuildFromTemporal(o: { client: Client; store: OrderStore; query?: string; queryTimeoutMs?: number; onProgress?: (r: RebuildReport) => void }): Promise<RebuildReport> {
  const report: RebuildReport = { listed: 0, written: 0, alreadyProjected: 0, failed: [] };
  const query = o.query ?? "WorkflowType = 'orderLifecycle'";
  for await (const wf of o.client.workflow.list({ query })) {
    report.listed++;
    const handle = o.client.workflow.getHandle(wf.workflowId, wf.runId);
    try {
      const raw: unknown = wf.status.name === 'COMPLETED' ? await handle.result() : await o.client.connection.withDeadline(Date.now() + (o.queryTimeoutMs ?? 10_000), () => handle.query(getOrderState));
      const parsed = WorkflowOrderState.safeParse(raw);
      if (!parsed.success) {
        report.failed.push({ workflowId: wf.workflowId, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        continue;
      }
      const s = parsed.data;
      const written = await o.store.backfill({
        workflowId: wf.workflowId,
        seq: 0,
        orderKey: s.orderKey,
        state: s.state,
        platformStatus: s.platformStatus,
        order: s.order,
        timeline: s.timeline,
        hold: s.hold,
        waybillNo: s.waybillNo,
        carrier: s.carrier,
        confirmedWaybill: null,
        at: new Date().toISOString(),
      });
      if (written) report.written++;
      else report.alreadyProjected++;
    } catch (err) {
      report.failed.push({ workflowId: wf.workflowId, reason: err instanceof WorkflowFailedError ? `workflow failed: ${errorMessage(err.cause ?? err)}` : errorMessage(err) });
    }
    if (report.listed % 100 === 0) o.onProgress?.(report);
  }
  return report;
}
