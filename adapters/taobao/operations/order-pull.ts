import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { PLATFORM_MAX_WINDOW_MS, readBackwards, windowInput } from '../../_shared/polling.js';
import { formatGmt8 } from '../../_shared/signing.js';
import type { FullinfoCache } from '../fullinfo-cache.js';
import { ADAPTER_ID, TopId, type TopTransport } from '../transport.js';

/** What the taobao/order.v1 mapping reads (WIRE-FORMATS, Taobao section). `fields` is required by TOP. */
export const FULLINFO_FIELDS = [
  'tid', 'tid_str', 'status', 'type', 'created', 'pay_time', 'modified', 'consign_time', 'payment', 'total_fee', 'post_fee',
  'discount_fee', 'adjust_fee', 'buyer_message', 'seller_memo', 'seller_flag', 'receiver_name', 'receiver_mobile',
  'receiver_phone', 'receiver_state', 'receiver_city', 'receiver_district', 'receiver_town', 'receiver_address',
  'receiver_zip', 'oaid', 'shipping_type', 'buyer_open_uid', 'orders', 'promotion_details',
].join(',');

export const TopPullInput = z
  .object({ window: windowInput(PLATFORM_MAX_WINDOW_MS.taobao), page: z.number().int().positive().optional() })
  .strict();

export interface PullOutput {
  /** Raw `taobao.trade.fullinfo.get` bodies, ready for taobao/order.v1. */
  orders: unknown[];
  /** The page to ask for next (counting down), or null when the window is exhausted. */
  nextPage: number | null;
  /** The cursor to persist: the window end once every page was read, else null (do not advance). */
  highWater: string | null;
}

const IncrementBody = z.object({
  trades_sold_increment_get_response: z.looseObject({
    total_results: z.coerce.number().int().nonnegative(),
    // TOP omits `trades` altogether on an empty page.
    trades: z.object({ trade: z.array(z.looseObject({ tid: TopId, modified: z.string().optional() })).default([]) }).optional(),
  }),
});

const FullinfoBody = z.looseObject({
  trade_fullinfo_get_response: z.looseObject({ trade: z.looseObject({ tid: TopId }) }),
});

export interface TopPullDeps {
  transport: TopTransport;
  pageSize: number;
  tradeTypes: readonly string[];
  /** Trades read before, answered again while their `modified` is unchanged (the instance keeps one). */
  details?: FullinfoCache;
}

/**
 * One page of `taobao.trades.sold.increment.get`, then `taobao.trade.fullinfo.get` per tid.
 * The list is newest-first, so pages are read from the last backwards (see polling.ts
 * lastPage): the first call reads page 1 only to learn the total, and if the window holds more
 * than one page it goes straight to the last; the caller then asks for nextPage until null.
 */
export async function pullOrders(deps: TopPullDeps, rawInput: unknown, ctx: InvokeContext): Promise<PullOutput> {
  const input = parseOrReject(ADAPTER_ID, TopPullInput, rawInput, 'order.pull input');
  const list = async (page: number) => {
    const body = await deps.transport.call(
      'taobao.trades.sold.increment.get',
      {
        fields: 'tid,modified',
        start_modified: formatGmt8(input.window.start),
        end_modified: formatGmt8(input.window.end),
        type: deps.tradeTypes.join(','),
        page_no: String(page),
        page_size: String(deps.pageSize),
        use_has_next: 'false',
      },
      ctx,
    );
    const r = parseOrReject(ADAPTER_ID, IncrementBody, body, 'taobao.trades.sold.increment.get response').trades_sold_increment_get_response;
    const trades = r.trades?.trade ?? [];
    return { total: r.total_results, tids: trades.map((t) => t.tid), modified: new Map(trades.map((t) => [t.tid, t.modified])) };
  };

  const { page, result, next } = await readBackwards(input.page, deps.pageSize, 1, list);
  const tids = result.tids;

  const orders: unknown[] = [];
  // Backward paging may hand the same tid twice across pages; within a page, once is enough.
  for (const tid of new Set(tids)) {
    const modified = result.modified.get(tid);
    const known = deps.details?.get(tid, modified);
    if (known !== undefined) {
      orders.push(known);
      continue;
    }
    const readAt = deps.details?.started() ?? 0;
    const body = await deps.transport.call('taobao.trade.fullinfo.get', { fields: FULLINFO_FIELDS, tid }, ctx);
    const trade = parseOrReject(ADAPTER_ID, FullinfoBody, body, 'taobao.trade.fullinfo.get response');
    deps.details?.put(tid, modified, readAt, trade);
    orders.push(trade);
    ctx.heartbeat({ page, tid });
  }
  const nextPage = next;
  ctx.logger.debug({ page, count: orders.length, nextPage }, 'taobao order.pull page read');
  return { orders, nextPage, highWater: nextPage === null ? input.window.end.toISOString() : null };
}
