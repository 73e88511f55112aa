import type { RequestScope } from '../../../src/sdk/define.js';
import { z } from 'zod';
import { CanonicalOrder } from '../../../src/canonical/order.js';
import type { WdtConfig } from '../config.js';
import { enterpriseTrade, PlatformWaybill, ultimateArgs } from '../trade.js';
import type { WdtTransport } from '../transport.js';

/** wms.order.push input: the canonical order (gift lines already added by the gift matrix). */
export const PushOrderInput = z
  .object({
    order: CanonicalOrder,
    /** Set when the order ships on its platform's own e-waybill: the trade carries that number and the receiver as the platform sent it. */
    platformWaybill: PlatformWaybill.optional(),
  })
  .strict();
export type PushOrderInput = z.output<typeof PushOrderInput>;

export interface PushOrderOutput {
  tid: string;
  edition: WdtConfig['edition'];
  /** The WMS's own return code and message, kept for the audit trail (0 = accepted). */
  wmsCode: number;
  wmsMessage: string;
  /** 1 when the WMS created the trade, 0 when it updated one already pushed (same tid). */
  newCount: number;
  chgCount: number;
}

const Counts = z.object({ new_count: z.coerce.number().int().default(0), chg_count: z.coerce.number().int().default(0) });
const EnterpriseBody = Counts.extend({ message: z.string().nullish() });
const UltimateBody = z.object({ message: z.string().nullish(), data: Counts.nullish() });

/** `trade_push.php` / `sales.RawTrade.pushSelf`: idempotent per tid (a repeat updates, never duplicates). */
export async function pushOrder(t: WdtTransport, config: WdtConfig, input: PushOrderInput, scope: RequestScope | AbortSignal): Promise<PushOrderOutput> {
  const { order } = input;
  const tid = order.source.platformOrderId;
  if (t.edition === 'enterprise') {
    const trade = enterpriseTrade(order, { kind: 'push', platformWaybill: input.platformWaybill });
    const body = EnterpriseBody.parse(await t.enterprise('trade_push.php', { shop_no: config.shopNo, trade_list: JSON.stringify([trade]) }, scope));
    return { tid, edition: t.edition, wmsCode: 0, wmsMessage: body.message ?? '', newCount: body.new_count, chgCount: body.chg_count };
  }
  const body = UltimateBody.parse(await t.ultimate('sales.RawTrade.pushSelf', ultimateArgs(order, { kind: 'push', platformWaybill: input.platformWaybill }, config.shopNo), scope));
  return { tid, edition: t.edition, wmsCode: 0, wmsMessage: body.message ?? '', newCount: body.data?.new_count ?? 0, chgCount: body.data?.chg_count ?? 0 };
}
