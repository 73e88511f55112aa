import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { caseWorkflowId } from '../../workflows/after-sales/constants.js';
import type { CaseJoins } from './joins.js';
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
    private readonly d: {
      temporal: Client;
      taskQueue: string;
      logger: Logger;
      /** Absent: every platform after-sales id is its own case (no joining of cases the lifecycle opened). */
      joins?: { store: CaseJoins; caseKeysOfOrder(orderKey: string): Promise<string[]> };
    },
  ) {}

  async open(input: AfterSalesCaseInput): Promise<CaseOpened> {
    const joined = await this.joinTarget(input);
    if (joined) return this.tellJoined(joined, input);
    const lines = await this.completeLines(input);
    const claimedByOrder = await this.claimLines(input, lines);
    if (claimedByOrder) return this.tellJoined(claimedByOrder, input);
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
   * The case a platform message belongs to when the hub opened it first: the lifecycle's refund
   * after pickup (key `refund-<order>-<line>`) of the order and a line the message names, or of
   * the order when the message names no line and exactly one such case exists. Only while the
   * platform's own key has no case yet; once joined, the platform key always goes there.
   */
  private async joinTarget(input: AfterSalesCaseInput): Promise<string | null> {
    const j = this.d.joins;
    if (!j || input.openedBy.kind !== 'platform' || !input.platformCaseId || !input.orderKey || !input.channel) return null;
    const joined = await j.store.joinedTo(input.caseKey);
    if (joined) return joined;
    const prefix = `${input.channel}:`;
    if (!input.orderKey.startsWith(prefix) || (await this.exists(input.caseKey))) return null;
    const orderPart = caseWorkflowId(input.platform, `refund-${input.orderKey.slice(prefix.length)}-`);
    const candidates = input.lines.length ? input.lines.map((l) => `${orderPart}${l.lineId}`) : (await j.caseKeysOfOrder(input.orderKey)).filter((k) => k.startsWith(orderPart));
    if (!input.lines.length && candidates.length !== 1) return null;
    for (const c of candidates) {
      if (await this.exists(c)) {
        const target = await j.store.join(input.caseKey, c);
        this.d.logger.info({ caseKey: input.caseKey, joinedTo: target }, 'platform after-sale joins the case the lifecycle opened for it');
        return target;
      }
    }
    return null;
  }

  /**
   * A platform case claims its order lines before it starts, so the lifecycle's refund after
   * pickup of such a line, seen later, joins it instead of opening a second case. Answers the
   * lifecycle's case when the lifecycle claimed a line first (it asked between this message's
   * join check and now): the message joins that case. A case claimed but not started yet makes
   * the message fail, to be delivered again, rather than open a second case or be lost.
   */
  private async claimLines(input: AfterSalesCaseInput, lines: CaseLine[]): Promise<string | null> {
    const j = this.d.joins;
    if (!j || input.openedBy.kind !== 'platform' || !input.platformCaseId || !input.orderKey || !input.channel) return null;
    const prefix = `${input.channel}:`;
    if (!input.orderKey.startsWith(prefix)) return null;
    const orderPart = caseWorkflowId(input.platform, `refund-${input.orderKey.slice(prefix.length)}-`);
    for (const l of lines) {
      const owner = await j.store.claimLine(input.orderKey, l.lineId, input.caseKey);
      if (owner !== `${orderPart}${l.lineId}`) continue;
      if (!(await this.exists(owner))) throw new Error(`after-sales ${input.platformCaseId}: line ${l.lineId} of order ${input.orderKey} belongs to case ${owner}, which is still starting; deliver the message again`);
      const target = await j.store.join(input.caseKey, owner);
      this.d.logger.info({ caseKey: input.caseKey, joinedTo: target }, 'platform after-sale joins the case the lifecycle claimed its line for');
      return target;
    }
    return null;
  }

  private async exists(workflowId: string): Promise<boolean> {
    try {
      await this.d.temporal.workflow.getHandle(workflowId).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** The platform's message to the case it joined, carrying the platform's id for the case to take. */
  private async tellJoined(target: string, input: AfterSalesCaseInput): Promise<CaseOpened> {
    try {
      await this.d.temporal.workflow.getHandle(target).signal(caseMessage, { ...input.first, platformCaseId: input.platformCaseId });
      return { caseKey: target, delivered: true };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        this.d.logger.info({ caseKey: target, messageId: input.first.messageId }, 'after-sales message for a joined case that has ended: nothing to do');
        return { caseKey: target, delivered: false };
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
