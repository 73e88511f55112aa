import { ERROR_CODE } from '../../../src/sdk/error-codes.js';
import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { PLATFORM_MAX_WINDOW_MS, readBackwards, windowInput } from '../../_shared/polling.js';
import { formatGmt8 } from '../../_shared/signing.js';
import { ADAPTER_ID, jdBusinessFailure, type JdTransport } from '../transport.js';

export const JdPullInput = z.object({ window: windowInput(PLATFORM_MAX_WINDOW_MS.jd), page: z.number().int().positive().optional() }).strict();

/** What jd/order.v1 reads (WIRE-FORMATS, JD section); `optional_fields` is required by JOS. */
export const JD_OPTIONAL_FIELDS = [
  'orderId', 'venderId', 'orderState', 'orderTotalPrice', 'orderSellerPrice', 'orderPayment', 'freightPrice', 'sellerDiscount',
  'orderStartTime', 'modified', 'paymentConfirmTime', 'orderRemark', 'venderRemark', 'waybill', 'consigneeInfo', 'itemInfoList',
].join(',');

const SearchResult = z.looseObject({
  code: z.union([z.string(), z.number()]).transform(String).optional(),
  searchorderinfo_result: z.looseObject({
    apiResult: z.looseObject({ success: z.boolean().optional(), chineseErr: z.string().optional(), englishErr: z.string().optional(), code: z.string().optional() }).optional(),
    orderTotal: z.coerce.number().int().nonnegative().default(0),
    orderInfoList: z.array(z.looseObject({ orderId: z.union([z.string(), z.number()]) })).nullish(),
  }),
});

export interface JdPullDeps {
  transport: JdTransport;
  pageSize: number;
  orderStates: readonly string[];
}

/**
 * `jingdong.pop.order.search` by modified time (dateType 0). The search already returns the
 * optional_fields, so each order is handed over as is (jd/order.v1 accepts a bare order) without
 * a detail call per order. Windows are kept small and rolled rather than paged deep; the pages
 * there are are read from the last back (see polling.ts lastPage).
 */
export async function pullOrders(deps: JdPullDeps, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, JdPullInput, rawInput, 'order.pull input');
  const list = async (page: number) => {
    const inner = await deps.transport.call(
      'jingdong.pop.order.search',
      {
        start_date: formatGmt8(input.window.start),
        end_date: formatGmt8(input.window.end),
        order_state: deps.orderStates.join(','),
        optional_fields: JD_OPTIONAL_FIELDS,
        page: String(page),
        page_size: String(deps.pageSize),
        dateType: 0,
      },
      ctx,
    );
    const r = parseOrReject(ADAPTER_ID, SearchResult, inner, 'jingdong.pop.order.search response').searchorderinfo_result;
    const failure = r.apiResult ? jdBusinessFailure('jingdong.pop.order.search', r.apiResult) : null;
    if (failure) throw failure;
    return { total: r.orderTotal, orders: r.orderInfoList ?? [] };
  };
  const { page, result, next } = await readBackwards(input.page, deps.pageSize, 1, list);
  const orders = result.orders;
  if (orders.length > deps.pageSize) throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, 'jingdong.pop.order.search: more orders than page_size');
  ctx.heartbeat({ page });
  const nextPage = next;
  return { orders, nextPage, highWater: nextPage === null ? input.window.end.toISOString() : null };
}
