import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { ERROR_CODE } from '../../../src/sdk/error-codes.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { PLATFORM_MAX_WINDOW_MS, PLATFORM_POLLING, windowInput } from '../../_shared/polling.js';
import { ADAPTER_ID, type SpApiTransport } from '../transport.js';

export const AMAZON_FINANCIAL_EVENTS_PATH = '/finances/v0/financialEvents';

export const AmazonRefundPullInput = z.object({ window: windowInput(PLATFORM_MAX_WINDOW_MS.amazon), page: z.string().min(1).optional() }).strict();

/** listFinancialEvents' payload: only the refunds are read here (the other event lists are finance's). */
const Body = z.looseObject({
  payload: z.looseObject({
    NextToken: z.string().min(1).optional(),
    FinancialEvents: z.looseObject({ RefundEventList: z.array(z.looseObject({ AmazonOrderId: z.string().min(1) })).nullish() }),
  }),
});

/**
 * Amazon has no refund push (WIRE-FORMATS §3): refunds are read from the Finances API, whose
 * RefundEventList holds one ShipmentEvent-shaped record per refund posted. Here by posting time
 * over a poll window (listFinancialEvents with PostedAfter/PostedBefore, NextToken as `page`;
 * the window query is UNVERIFIED, WIRE-FORMATS names the per-order form of the same model).
 * PostedBefore must be at least 2 minutes before now, as for getOrders (UNVERIFIED). Records go
 * on as Amazon sent them: src/after-sales/platforms/amazon.ts reads them.
 */
export async function pullRefunds(deps: { transport: SpApiTransport; now(): Date }, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, AmazonRefundPullInput, rawInput, 'aftersales.pull input');
  if (input.window.end.getTime() > deps.now().getTime() - PLATFORM_POLLING.amazon.minLagMs) {
    throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.INVALID_INPUT, 'aftersales.pull input: window.end (PostedBefore) must be at least 2 minutes before now');
  }
  const q = input.page
    ? new URLSearchParams({ NextToken: input.page })
    : new URLSearchParams({ PostedAfter: input.window.start.toISOString(), PostedBefore: input.window.end.toISOString(), MaxResultsPerPage: '100' });
  const body = await deps.transport.request('GET', AMAZON_FINANCIAL_EVENTS_PATH, q, undefined, ctx);
  const p = parseOrReject(ADAPTER_ID, Body, body, 'listFinancialEvents response').payload;
  ctx.heartbeat({ page: input.page ?? 'first' });
  return { refunds: p.FinancialEvents.RefundEventList ?? [], nextPage: p.NextToken ?? null };
}
