import { z } from 'zod';
import { orderKey } from '../../canonical/order.js';
import { toMinor } from '../../mapping/functions.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS, type CaseType, type PlatformCaseStatus } from '../../../workflows/after-sales/constants.js';
import type { CaseFromPull } from './types.js';
import { gmt8OrNull, issuesOf, pulledMessageId } from './pulled.js';

const Id = z.union([z.string().regex(/^\d+$/, 'digits'), z.number().int().nonnegative().refine(Number.isSafeInteger, 'unsafe integer id')]).transform(String);

/** One refund_list row of pdd.refund.list.increment.get (WIRE-FORMATS §3). */
const Refund = z.looseObject({
  id: Id,
  order_sn: z.string().min(1),
  after_sales_type: z.coerce.number().int(),
  after_sales_status: z.coerce.number().int(),
  refund_amount: z.union([z.string(), z.number()]).optional(),
  sku_id: Id.optional(),
  goods_number: z.coerce.number().int().nonnegative().optional(),
  updated_time: z.string().optional(),
});

/** after_sales_type: 2 仅退款, 3 退货退款, 4 换货, 5 缺货补寄. */
const TYPE: Readonly<Record<number, CaseType>> = { 2: CASE_TYPE.REFUND_ONLY, 3: CASE_TYPE.RETURN_AND_REFUND, 4: CASE_TYPE.EXCHANGE, 5: CASE_TYPE.REISSUE };

/**
 * after_sales_status -> what happened: 2/3 待商家处理, 4 商家同意·退款中, 5 平台同意·退款中, 6 驳回待买家处理,
 * 7 待用户发货, 9 平台拒绝·关闭, 10 退款成功, 11 买家撤销, 12/13 逾期失败. The rest (8 平台处理中, 14-18
 * 换货补寄, 21-25 维修, 31 拒收退款) are news on the timeline only.
 */
const STATUS: Readonly<Record<number, PlatformCaseStatus>> = {
  2: PLATFORM_CASE_STATUS.REQUESTED,
  3: PLATFORM_CASE_STATUS.REQUESTED,
  4: PLATFORM_CASE_STATUS.AGREED,
  5: PLATFORM_CASE_STATUS.AGREED,
  6: PLATFORM_CASE_STATUS.REFUSED,
  7: PLATFORM_CASE_STATUS.AWAITING_RETURN,
  9: PLATFORM_CASE_STATUS.CLOSED,
  10: PLATFORM_CASE_STATUS.REFUNDED,
  11: PLATFORM_CASE_STATUS.CLOSED,
  12: PLATFORM_CASE_STATUS.CLOSED,
  13: PLATFORM_CASE_STATUS.CLOSED,
};

/** A pulled PDD after-sale as its case, keyed by PDD's after-sales id; the order line is the sku_id (the PDD mapping's lineId). */
export const pinduoduoPulledCase: CaseFromPull = ({ channel, record }) => {
  const r = Refund.safeParse(record);
  if (!r.success) return new Error(`pdd refund: ${issuesOf(r.error)}`);
  const f = r.data;
  const minor = f.refund_amount === undefined ? undefined : toMinor(f.refund_amount, channel.currency);
  const amount = minor === undefined ? null : { minor, currency: channel.currency };
  const at = gmt8OrNull(f.updated_time) ?? new Date().toISOString();
  return {
    caseKey: caseWorkflowId('pinduoduo', f.id),
    platform: 'pinduoduo',
    channel: channel.id,
    shop: channel.shop,
    platformCaseId: f.id,
    orderKey: orderKey(channel.id, f.order_sn),
    type: TYPE[f.after_sales_type] ?? CASE_TYPE.COMPLAINT,
    lines: f.sku_id ? [{ lineId: f.sku_id, sku: null, qty: f.goods_number ?? 0 }] : [],
    amount,
    reason: null,
    openedAt: at,
    openedBy: { kind: 'platform', actor: 'pinduoduo' },
    first: {
      messageId: pulledMessageId('pinduoduo', f.id, String(f.after_sales_status), f.updated_time ?? ''),
      status: STATUS[f.after_sales_status] ?? PLATFORM_CASE_STATUS.UPDATED,
      platformStatus: `after_sales_status ${f.after_sales_status}`,
      at,
      ...(f.after_sales_status === 10 && amount ? { refund: amount } : {}),
    },
  };
};
