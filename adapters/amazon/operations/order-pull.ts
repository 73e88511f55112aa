import { ERROR_CODE } from '../../../src/sdk/error-codes.js';
import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { PLATFORM_MAX_WINDOW_MS, PLATFORM_POLLING, windowInput } from '../../_shared/polling.js';
import { ADAPTER_ID, type SpApiTransport } from '../transport.js';

export const AmazonPullInput = z.object({ window: windowInput(PLATFORM_MAX_WINDOW_MS.amazon), page: z.string().min(1).optional() }).strict();

const OrdersBody = z.looseObject({
  payload: z.looseObject({ Orders: z.array(z.looseObject({ AmazonOrderId: z.string().min(1) })), NextToken: z.string().min(1).optional() }),
});
const ItemsBody = z.looseObject({
  payload: z.looseObject({ OrderItems: z.array(z.looseObject({ OrderItemId: z.string() })), NextToken: z.string().min(1).optional() }),
});

export interface AmazonPullDeps {
  transport: SpApiTransport;
  marketplaceIds: readonly string[];
  now(): Date;
}

/**
 * getOrders by LastUpdatedAfter/LastUpdatedBefore (Before at least 2 min before now, as Amazon
 * requires), one page per call with NextToken as `page`; getOrderItems per order (itself paged)
 * -> `{order, items}`, the document amazon/order.v1 reads. The NextToken page is a snapshot
 * kept by Amazon, so forward paging does not skip.
 */
export async function pullOrders(deps: AmazonPullDeps, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, AmazonPullInput, rawInput, 'order.pull input');
  if (input.window.end.getTime() > deps.now().getTime() - PLATFORM_POLLING.amazon.minLagMs) {
    throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.INVALID_INPUT, 'order.pull input: window.end (LastUpdatedBefore) must be at least 2 minutes before now');
  }
  const q = new URLSearchParams({ MarketplaceIds: deps.marketplaceIds.join(',') });
  if (input.page) q.set('NextToken', input.page);
  else {
    q.set('LastUpdatedAfter', input.window.start.toISOString());
    q.set('LastUpdatedBefore', input.window.end.toISOString());
    q.set('MaxResultsPerPage', '100');
  }
  const page = parseOrReject(ADAPTER_ID, OrdersBody, await deps.transport.request('GET', '/orders/v0/orders', q, undefined, ctx), 'getOrders response').payload;
  const orders: { order: unknown; items: unknown[] }[] = [];
  for (const order of page.Orders) {
    const items: unknown[] = [];
    let token: string | undefined;
    do {
      const iq = token ? new URLSearchParams({ NextToken: token }) : null;
      const r = parseOrReject(ADAPTER_ID, ItemsBody, await deps.transport.request('GET', `/orders/v0/orders/${encodeURIComponent(order.AmazonOrderId)}/orderItems`, iq, undefined, ctx), 'getOrderItems response').payload;
      items.push(...r.OrderItems);
      token = r.NextToken;
    } while (token);
    orders.push({ order, items });
    ctx.heartbeat({ orderId: order.AmazonOrderId });
  }
  const nextPage = page.NextToken ?? null;
  return { orders, nextPage, highWater: nextPage === null ? input.window.end.toISOString() : null };
}
