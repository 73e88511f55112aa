import { ApplicationFailure, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AfterSalesPullActivities } from '../src/after-sales/pull.js';
import type { PollingActivities, PollPageResult, PollWindow } from '../src/polling/activities.js';
import { FAILURE_TYPE, NON_RETRYABLE_FAILURE_TYPES } from '../src/sdk/failure-types.js';

/** Patch: a window's after-sales are read (aftersales.pull into cases) before the cursor passes it. */
export const AFTER_SALES_PULL_PATCH = 'after-sales-pull';

export interface OrderPollInput {
  /** Channel id from config (`channels[].id`); its connector must offer order.pull. */
  channel: string;
}

export interface OrderPollResult {
  channel: string;
  /** Cursor before and after this run (ISO); equal when nothing completed. */
  cursorBefore: string | null;
  cursorAfter: string | null;
  windows: number;
  pages: number;
  read: number;
  started: number;
  duplicates: number;
  quarantined: number;
  lost: PollWindow | null;
  /** The catch-up continues on the next scheduled run. */
  more: boolean;
  /** After-sales records read and handed to their cases (channels whose connector offers aftersales.pull). */
  afterSales?: { read: number; delivered: number; unreadable: number };
}

const afterSales = proxyActivities<AfterSalesPullActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '5 seconds', nonRetryableErrorTypes: ['AdapterRejected', 'CapabilityNotSupported', 'UnknownChannel', 'AdapterContractViolation'] },
});
const local = proxyActivities<PollingActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 5 } });
// A page reads up to 100 orders, each with a detail call: the adapters heartbeat per order, so a
// dead worker is noticed within the heartbeat timeout and the page is retried on another one.
const pages = proxyActivities<PollingActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '5 seconds', nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
});

/**
 * One incremental poll of one shop, started by its Temporal Schedule (src/polling/schedules.ts,
 * overlap SKIP: never two at once per shop). Reads the durable cursor and plans windows, reads
 * each window page by page in the order the connector dictates (last page first where the
 * platform lists by modified time, NextToken on Amazon), and moves the cursor to a window's end
 * only after every order of that window was started or quarantined. A run that fails or is
 * terminated leaves the cursor at the last finished window: the next run reads the rest again,
 * and intake drops what was already started (workflow id per order, REJECT_DUPLICATE).
 */
export async function orderPoll(input: OrderPollInput): Promise<OrderPollResult> {
  const { workflowId } = workflowInfo();
  const plan = await local.planPoll({ channel: input.channel });
  const result: OrderPollResult = {
    channel: input.channel,
    cursorBefore: plan.cursor,
    cursorAfter: plan.cursor,
    windows: 0,
    pages: 0,
    read: 0,
    started: 0,
    duplicates: 0,
    quarantined: 0,
    lost: plan.lost,
    more: plan.more,
  };
  for (const window of plan.windows) {
    let page: number | string | null = null;
    for (;;) {
      const r: PollPageResult = await pages.pullPollPage({ channel: input.channel, window, page, idempotencyKey: `${workflowId}:${window.start}:${page ?? 'first'}` });
      result.pages++;
      result.read += r.read;
      result.started += r.started;
      result.duplicates += r.duplicates;
      result.quarantined += r.quarantined;
      if (r.nextPage === null) break;
      // A connector that names the page it just read again would loop for ever: fail the run loudly.
      if (r.nextPage === page) throw ApplicationFailure.nonRetryable(`channel ${input.channel}: order.pull returned page ${String(page)} as its own next page`, FAILURE_TYPE.ADAPTER_CONTRACT_VIOLATION);
      page = r.nextPage;
    }
    if (plan.afterSales === true && patched(AFTER_SALES_PULL_PATCH)) {
      const a = await afterSales.pullAfterSalesWindow({ channel: input.channel, window, idempotencyKey: `${workflowId}:${window.start}:after-sales` });
      const sum = result.afterSales ?? { read: 0, delivered: 0, unreadable: 0 };
      result.afterSales = { read: sum.read + a.read, delivered: sum.delivered + a.delivered, unreadable: sum.unreadable + a.unreadable };
    }
    result.cursorAfter = (await local.advancePollCursor({ channel: input.channel, to: window.end })).cursor;
    result.windows++;
  }
  return result;
}
