import type { RequestScope } from '../../../src/sdk/define.js';
import { z } from 'zod';
import { CanonicalOrder } from '../../../src/canonical/order.js';
import type { WdtConfig } from '../config.js';
import { enterpriseTrade, ultimateArgs } from '../trade.js';
import type { WdtTransport } from '../transport.js';

/**
 * wms.order.intercept: stop a pushed trade before it ships.
 *
 * Neither edition publishes a "cancel trade by tid" endpoint for self-built shops (the ultimate
 * `sales.TradeEdit.toException` needs WDT's own trade_no, which the hub never learns). The
 * documented path ("订单变更处理办法" / 取消/终止流程) is to push the same tid again as refunded
 * (trade_status 80, every line refund_status 5; 90/6 if never paid); WDT then blocks the stockout
 * of an unshipped order as a refund interception. So this operation is that re-push, defined here
 * explicitly. Whether the warehouse had already shipped is learned from the logistics sync loop.
 */
export const InterceptOrderInput = z.object({ order: CanonicalOrder, reason: z.string().min(1).max(200) }).strict();
export type InterceptOrderInput = z.output<typeof InterceptOrderInput>;

export interface InterceptOrderOutput {
  tid: string;
  edition: WdtConfig['edition'];
  wmsCode: number;
  wmsMessage: string;
  /** The status the trade was re-pushed with (80 refunded, 90 closed unpaid). */
  tradeStatus: number;
}

const EnterpriseBody = z.object({ message: z.string().nullish() });
const UltimateBody = z.object({ message: z.string().nullish() });

export async function interceptOrder(t: WdtTransport, config: WdtConfig, input: InterceptOrderInput, scope: RequestScope | AbortSignal): Promise<InterceptOrderOutput> {
  const intent = { kind: 'intercept', reason: input.reason } as const;
  const tid = input.order.source.platformOrderId;
  if (t.edition === 'enterprise') {
    const trade = enterpriseTrade(input.order, intent);
    const body = EnterpriseBody.parse(await t.enterprise('trade_push.php', { shop_no: config.shopNo, trade_list: JSON.stringify([trade]) }, scope));
    return { tid, edition: t.edition, wmsCode: 0, wmsMessage: body.message ?? '', tradeStatus: Number(trade['trade_status']) };
  }
  const args = ultimateArgs(input.order, intent, config.shopNo);
  const body = UltimateBody.parse(await t.ultimate('sales.RawTrade.pushSelf', args, scope));
  return { tid, edition: t.edition, wmsCode: 0, wmsMessage: body.message ?? '', tradeStatus: Number(args[1][0]?.['trade_status']) };
}
