import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from '../logger.js';
import { caseMessage } from '../../workflows/after-sales/definitions.js';
import type { AfterSalesCaseInput, CaseLine } from '../../workflows/after-sales/types.js';
import { getOrderState } from '../../workflows/lifecycle/definitions.js';
import { workflowIdFor } from '../intake/order-intake.js';
import { errorMessage } from '../util/errors.js';

export interface CaseOpened {
  caseKey: string;
  /** False when the case was closed already: the message reached nobody (its workflow ended). */
  delivered: boolean;
}

/**
 * Opens a case or tells the running one, in one call: signal-with-start on the case's workflow
 * id (platform + platform after-sales id), so a redelivered push reaches the same case, which
 * ignores a message it has seen. A case that already ended is never started again
 * (REJECT_DUPLICATE): a late redelivery answers `delivered: false`.
 */
export class CaseIntake {
  constructor(
    private readonly d: { temporal: Client; taskQueue: string; logger: Logger },
  ) {}

  async open(input: AfterSalesCaseInput): Promise<CaseOpened> {
    const lines = await this.completeLines(input);
    try {
      await this.d.temporal.workflow.signalWithStart('afterSalesCase', {
        workflowId: input.caseKey,
        taskQueue: this.d.taskQueue,
        args: [{ ...input, lines }],
        signal: caseMessage,
        signalArgs: [input.first],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { caseKey: input.caseKey, delivered: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        this.d.logger.info({ caseKey: input.caseKey, messageId: input.first.messageId }, 'after-sales message for a case that has ended: nothing to do');
        return { caseKey: input.caseKey, delivered: false };
      }
      throw err;
    }
  }

  /**
   * The order's own lines fill in SKU and quantity the message leaves out (Douyin names only the
   * sub-order). An order the hub never saw, or whose workflow is gone, leaves the lines as sent.
   */
  private async completeLines(input: AfterSalesCaseInput): Promise<CaseLine[]> {
    if (!input.orderKey || input.lines.every((l) => l.sku)) return input.lines;
    try {
      const order = (await this.d.temporal.workflow.getHandle(workflowIdFor(input.orderKey)).query(getOrderState)).order;
      const pick = input.lines.length ? input.lines : order.lines.map((l) => ({ lineId: l.lineId, sku: null, qty: l.quantity }));
      return pick.map((l) => {
        const o = order.lines.find((x) => x.lineId === l.lineId);
        return o ? { lineId: l.lineId, sku: l.sku ?? o.merchantSku ?? null, qty: l.qty || o.quantity, title: o.title } : l;
      });
    } catch (err) {
      this.d.logger.info({ orderKey: input.orderKey, err: errorMessage(err) }, 'order of an after-sales case not readable: lines kept as sent');
      return input.lines;
    }
  }
}
