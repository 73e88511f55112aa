import { z } from 'zod';
import { orderKey } from '../../canonical/order.js';
import { epochToIso } from '../../mapping/functions.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS, type CaseType, type PlatformCaseStatus } from '../../../workflows/after-sales/constants.js';
import type { AfterSalesCaseInput } from '../../../workflows/after-sales/types.js';
import type { CaseFromPush } from './types.js';
import { DouyinId as Id } from '../../../adapters/douyin/transport.js';


/** Douyin after-sales tag data (WIRE-FORMATS: Douyin push, tags 200-227). */
const AfterSaleData = z.looseObject({
  aftersale_id: Id,
  p_id: Id.optional(),
  s_id: Id.optional(),
  shop_id: Id.optional(),
  aftersale_type: z.coerce.number().int().optional(),
  aftersale_status: z.coerce.number().int().optional(),
  refund_amount: z.coerce.number().int().nonnegative().optional(),
  reason_code: z.union([z.string(), z.number()]).transform(String).optional(),
  update_time: z.coerce.number().int().optional(),
  apply_time: z.coerce.number().int().optional(),
});

/** Tag -> what happened (200 售后申请 ... 206 退款成功, 207 售后关闭, 225 特殊权益退款成功, 227 同意补寄). */
const TAG_STATUS: Readonly<Record<string, PlatformCaseStatus>> = {
  '200': PLATFORM_CASE_STATUS.REQUESTED,
  '201': PLATFORM_CASE_STATUS.AGREED,
  '202': PLATFORM_CASE_STATUS.AWAITING_RETURN,
  '203': PLATFORM_CASE_STATUS.RETURN_SHIPPED,
  '204': PLATFORM_CASE_STATUS.REFUSED,
  '205': PLATFORM_CASE_STATUS.REFUSED,
  '206': PLATFORM_CASE_STATUS.REFUNDED,
  '207': PLATFORM_CASE_STATUS.CLOSED,
  '225': PLATFORM_CASE_STATUS.REFUNDED,
  '227': PLATFORM_CASE_STATUS.AGREED,
};

/** aftersale_type: 0 退货退款, 1 已发货仅退款, 2 未发货仅退款, 3 换货, 6 价保, 7 补寄, 8 维修. */
const TYPE: Readonly<Record<number, CaseType>> = {
  0: CASE_TYPE.RETURN_AND_REFUND,
  1: CASE_TYPE.REFUND_ONLY,
  2: CASE_TYPE.REFUND_ONLY,
  3: CASE_TYPE.EXCHANGE,
  6: CASE_TYPE.REFUND_ONLY,
  7: CASE_TYPE.REISSUE,
  // A repair sends the goods back and out again, like an exchange.
  8: CASE_TYPE.EXCHANGE,
};

export function isDouyinAfterSaleTag(tag: string): boolean {
  const n = Number(tag);
  return Number.isInteger(n) && n >= 200 && n <= 227;
}

/** A Douyin after-sales push as the case it opens or updates; the data is checked field by field. */
export const douyinCase: CaseFromPush = ({ channel, event }) => {
  if (!isDouyinAfterSaleTag(event.topic)) return null;
  const payload = z.object({ data: z.unknown() }).safeParse(event.payload);
  const r = AfterSaleData.safeParse(payload.success ? payload.data.data : undefined);
  if (!r.success) return new Error(`douyin tag ${event.topic} data: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const d = r.data;
  const epoch = d.update_time ?? d.apply_time;
  // Seconds, as documented; anything else falls back to the time of receipt rather than failing the push.
  const at = (epoch !== undefined && epoch > 0 && epoch < 1e11 ? epochToIso(epoch) : undefined) ?? new Date().toISOString();
  const type = d.aftersale_type === undefined ? CASE_TYPE.COMPLAINT : (TYPE[d.aftersale_type] ?? CASE_TYPE.COMPLAINT);
  const input: AfterSalesCaseInput = {
    caseKey: caseWorkflowId('douyin', d.aftersale_id),
    platform: 'douyin',
    channel: channel.id,
    shop: d.shop_id ?? channel.shop,
    platformCaseId: d.aftersale_id,
    orderKey: d.p_id ? orderKey(channel.id, d.p_id) : null,
    type,
    lines: d.s_id ? [{ lineId: d.s_id, sku: null, qty: 0 }] : [],
    amount: d.refund_amount === undefined ? null : { minor: d.refund_amount, currency: channel.currency },
    reason: d.reason_code ? `reason code ${d.reason_code}` : null,
    openedAt: at,
    openedBy: { kind: 'platform', actor: 'douyin' },
    first: {
      messageId: event.messageId,
      status: TAG_STATUS[event.topic] ?? PLATFORM_CASE_STATUS.UPDATED,
      platformStatus: `tag ${event.topic}${d.aftersale_status === undefined ? '' : ` status ${d.aftersale_status}`}`,
      at,
      ...(d.refund_amount === undefined ? {} : { refund: { minor: d.refund_amount, currency: channel.currency } }),
    },
  };
  return input;
};
