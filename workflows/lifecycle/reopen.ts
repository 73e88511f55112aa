import { continueAsNew, patched } from '@temporalio/workflow';
import type { orderLifecycle } from '../order-lifecycle.js';
import { PATCH } from './constants.js';
import type { OrderRun } from './run.js';
import { orderAsCopied } from './snapshot.js';
import type { OrderState } from './types.js';

/**
 * The buyer paid while the run, closed unpaid by the hub a moment before, was still writing its
 * last view to the store: the copy reached this run (the intake answered it as delivered), not the
 * reopen a finished run gets (src/intake/reopen.ts). So the run goes on as a new one from the paid
 * copy, numbering its store writes after its own (`seq`).
 */
export async function reopenIfPaidWhileClosing(run: OrderRun, end: OrderState, seq: number): Promise<OrderState> {
  const snap = run.paidWhileClosing;
  if (!snap || !patched(PATCH.PAID_WHILE_CLOSING_REOPENS)) return end;
  const input = run.input;
  return await continueAsNew<typeof orderLifecycle>({ ...input, order: orderAsCopied(input.order, snap), ...(input.projection ? { projectionSeqFloor: seq } : {}) });
}
