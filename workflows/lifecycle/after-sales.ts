import { condition, getExternalWorkflowHandle, isCancellation, ParentClosePolicy, patched, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { caseStore } from '../after-sales/activities.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS } from '../after-sales/constants.js';
import { caseMessage } from '../after-sales/definitions.js';
import type { AfterSalesCaseInput } from '../after-sales/types.js';
import { PATCH } from './constants.js';
import type { OrderRun } from './run.js';

/**
 * After pickup a refund request can no longer stop the parcel: it becomes an after-sales case
 * (one per line, keyed by order and line so a repeated request opens nothing new), started as a
 * child that outlives the order. A line the platform later reports refunded tells its case, which
 * then closes. Runs beside the delivery wait; the order finishes only once no case start or
 * message is under way (`run.caseCallsBusy`). A line whose after-sale the platform's own case
 * claimed first (its message came before the order saw the refund) gets no second case: the
 * order notes the platform's case and tells it of the refund (PATCH.REFUND_CASE_JOINS_PLATFORM_CASE).
 */
export function watchRefundsAfterPickup(run: OrderRun): void {
  // Lines refunded before pickup were dropped from the parcel: they are no after-sales.
  const droppedBefore = new Set(run.refundedLines);
  const told = new Set<string>();
  // Line -> the case its after-sale belongs to, where that is not the lifecycle's own key.
  const joined = new Map<string, string>();
  const pending = () => [...run.openRefunds, ...run.refundedLines].filter((l) => !run.caseOpenedFor.has(l) && !droppedBefore.has(l));
  const refundedUntold = () => [...run.refundedLines].filter((l) => run.caseOpenedFor.has(l) && !told.has(l));
  const loop = async () => {
    for (;;) {
      await condition(() => pending().length > 0 || refundedUntold().length > 0);
      run.caseCallsBusy++;
      try {
        for (const lineId of pending()) {
          run.caseOpenedFor.add(lineId);
          await openCase(run, lineId, joined);
        }
        for (const lineId of refundedUntold()) {
          told.add(lineId);
          await tellRefunded(run, joined.get(lineId) ?? lineCaseId(run, lineId), lineId);
        }
      } finally {
        run.caseCallsBusy--;
      }
    }
  };
  void loop();
}

function lineCaseId(run: OrderRun, lineId: string): string {
  return caseWorkflowId(run.order.source.platform, `refund-${run.order.source.platformOrderId}-${lineId}`);
}

async function openCase(run: OrderRun, lineId: string, joined: Map<string, string>): Promise<void> {
  const line = run.order.lines.find((l) => l.lineId === lineId);
  const caseKey = lineCaseId(run, lineId);
  if (patched(PATCH.REFUND_CASE_JOINS_PLATFORM_CASE)) {
    // Retried for as long as Redis is down: asking late is better than a second case.
    const { owner } = await caseStore.claimCaseLine({ orderKey: run.input.orderKey, lineId, caseKey });
    if (owner !== caseKey) {
      joined.set(lineId, owner);
      run.note(`refund requested after pickup on line ${lineId}: the platform's after-sales case ${owner} already covers it, no second case`, 'after-sales');
      return;
    }
  }
  const at = run.now();
  const input: AfterSalesCaseInput = {
    caseKey,
    platform: run.order.source.platform,
    channel: run.order.source.channel,
    shop: run.order.source.shop,
    platformCaseId: null,
    orderKey: run.input.orderKey,
    // The parcel is on its way or delivered: the goods come back before the money does.
    type: CASE_TYPE.RETURN_AND_REFUND,
    lines: [{ lineId, sku: line?.merchantSku ?? null, qty: line?.quantity ?? 1, title: line?.title ?? null }],
    amount: line?.paid ?? line?.lineTotal ?? null,
    reason: 'refund requested after pickup',
    openedAt: at,
    openedBy: { kind: 'lifecycle', actor: run.workflowId },
    first: { messageId: `order-refund-requested-${lineId}`, status: PLATFORM_CASE_STATUS.REQUESTED, platformStatus: 'line refund requested', at },
  };
  try {
    await startChild('afterSalesCase', { workflowId: caseKey, args: [input], parentClosePolicy: ParentClosePolicy.ABANDON, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
    run.note(`refund requested after pickup on line ${lineId}: after-sales case ${caseKey} opened`, 'after-sales');
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.note(`refund after pickup on line ${lineId}: case ${caseKey} not started (${err instanceof Error ? err.message : String(err)})`, 'after-sales');
  }
}

async function tellRefunded(run: OrderRun, caseKey: string, lineId: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(caseKey).signal(caseMessage, { messageId: `order-line-refunded-${lineId}`, status: PLATFORM_CASE_STATUS.REFUNDED, platformStatus: 'line refunded', at: run.now() });
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.note(`case ${caseKey} not told of the refund: ${err instanceof Error ? err.message : String(err)}`, 'after-sales');
  }
}
