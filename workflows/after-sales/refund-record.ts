import { ActivityFailure, isCancellation } from '@temporalio/workflow';
import { orderRefunds } from './activities.js';
import type { CaseRun } from './run.js';
import type { CaseMessage } from './types.js';

/**
 * The platform paid the refund out: its amount and time go to the order store, where the finance
 * reconciliation counts them for order lines whose payload gives a refund status but no amount
 * (Taobao, Pinduoduo). Keyed by the case, so a retry or a second success message stores nothing new.
 */
export async function recordRefund(run: CaseRun, m: CaseMessage): Promise<void> {
  const orderKey = run.input.orderKey;
  if (!orderKey) return;
  const amount = m.refund ?? run.input.amount;
  if (!amount || amount.minor <= 0) {
    run.log('note', 'refund done without an amount from the platform: finance cannot count it', 'hub', false);
    return;
  }
  run.pendingRecords++;
  try {
    await orderRefunds.recordOrderRefund({
      workflowId: `order:${orderKey}`,
      caseKey: run.input.caseKey,
      platformCaseId: run.platformCaseId,
      lineIds: run.lines.map((l) => l.lineId),
      amount,
      refundedAt: m.at,
    });
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
    // Only a refusal gets here (the record is malformed): said on the timeline, the case goes on.
    run.log('note', `refund not recorded for finance: ${err.cause?.message ?? err.message}`, 'hub', false);
  } finally {
    run.pendingRecords--;
  }
}
