import { z } from 'zod';
import { orderKey } from '../../canonical/order.js';
import { toMinor } from '../../mapping/functions.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS, type PlatformCaseStatus } from '../../../workflows/after-sales/constants.js';
import { TopId } from '../../../adapters/taobao/transport.js';
import type { CaseFromPull } from './types.js';
import { gmt8OrNull, issuesOf, pulledMessageId } from './pulled.js';

/** One refund of taobao.refunds.receive.get (WIRE-FORMATS §3). */
const Refund = z.looseObject({
  refund_id: TopId,
  tid: TopId,
  oid: TopId.optional(),
  status: z.string().min(1),
  refund_fee: z.union([z.string(), z.number()]).optional(),
  has_good_return: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  reason: z.string().optional(),
  created: z.string().optional(),
  modified: z.string().optional(),
});

/** Refund status -> what happened; the exchange statuses are news on the timeline only. */
const STATUS: Readonly<Record<string, PlatformCaseStatus>> = {
  WAIT_SELLER_AGREE: PLATFORM_CASE_STATUS.REQUESTED,
  WAIT_BUYER_RETURN_GOODS: PLATFORM_CASE_STATUS.AWAITING_RETURN,
  WAIT_SELLER_CONFIRM_GOODS: PLATFORM_CASE_STATUS.RETURN_SHIPPED,
  SELLER_REFUSE_BUYER: PLATFORM_CASE_STATUS.REFUSED,
  CLOSED: PLATFORM_CASE_STATUS.CLOSED,
  SUCCESS: PLATFORM_CASE_STATUS.REFUNDED,
};

/** A pulled Taobao refund as its case, keyed by refund_id like the TMC translation (taobao.ts), so either source reaches one case. */
export const taobaoPulledCase: CaseFromPull = ({ channel, record }) => {
  const r = Refund.safeParse(record);
  if (!r.success) return new Error(`taobao refund: ${issuesOf(r.error)}`);
  const f = r.data;
  const minor = f.refund_fee === undefined ? undefined : toMinor(f.refund_fee, channel.currency);
  const amount = minor === undefined ? null : { minor, currency: channel.currency };
  const at = gmt8OrNull(f.modified) ?? new Date().toISOString();
  return {
    caseKey: caseWorkflowId('taobao', f.refund_id),
    platform: 'taobao',
    channel: channel.id,
    shop: channel.shop,
    platformCaseId: f.refund_id,
    orderKey: orderKey(channel.id, f.tid),
    type: f.has_good_return ? CASE_TYPE.RETURN_AND_REFUND : CASE_TYPE.REFUND_ONLY,
    lines: f.oid ? [{ lineId: f.oid, sku: null, qty: 0 }] : [],
    amount,
    reason: f.reason ?? null,
    openedAt: gmt8OrNull(f.created) ?? at,
    openedBy: { kind: 'platform', actor: 'taobao' },
    first: {
      messageId: pulledMessageId('taobao', f.refund_id, f.status, f.modified ?? ''),
      status: STATUS[f.status] ?? PLATFORM_CASE_STATUS.UPDATED,
      platformStatus: f.status,
      at,
      ...(f.status === 'SUCCESS' && amount ? { refund: amount } : {}),
    },
  };
};
