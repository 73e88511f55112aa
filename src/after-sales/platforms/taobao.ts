import { z } from 'zod';
import { orderKey } from '../../canonical/order.js';
import { toMinor } from '../../mapping/functions.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS, type PlatformCaseStatus } from '../../../workflows/after-sales/constants.js';
import type { AfterSalesCaseInput } from '../../../workflows/after-sales/types.js';
import type { CaseFromPush } from './types.js';

const REFUND_PREFIX = 'taobao_refund_';

/** TMC refund topic (after taobao_refund_) -> what happened (WIRE-FORMATS §3, Taobao TMC topics). */
const TOPIC_STATUS: Readonly<Record<string, PlatformCaseStatus>> = {
  RefundCreated: PLATFORM_CASE_STATUS.REQUESTED,
  RefundCreateMessage: PLATFORM_CASE_STATUS.UPDATED,
  RefundSellerAgreeAgreement: PLATFORM_CASE_STATUS.AGREED,
  RefundSellerRefuseAgreement: PLATFORM_CASE_STATUS.REFUSED,
  RefundBuyerReturnGoods: PLATFORM_CASE_STATUS.RETURN_SHIPPED,
  RefundSuccess: PLATFORM_CASE_STATUS.REFUNDED,
  RefundClosed: PLATFORM_CASE_STATUS.CLOSED,
};

const Content = z.looseObject({
  tid: z.string().min(1),
  oid: z.string().min(1).optional(),
  refund_id: z.string().min(1),
  refund_fee: z.union([z.string(), z.number()]).optional(),
  bill_type: z.string().optional(),
  modified: z.string().optional(),
});

/**
 * A Taobao TMC refund message (as adapters/taobao/tmc.ts parses it) as its case. Nothing in the
 * hub consumes TMC yet: this is the translation a TMC consumer hands its refund messages to.
 */
export const taobaoCase: CaseFromPush = ({ channel, event }) => {
  if (!event.topic.startsWith(REFUND_PREFIX)) return null;
  const payload = z.object({ content: z.unknown() }).safeParse(event.payload);
  const r = Content.safeParse(payload.success ? payload.data.content : undefined);
  if (!r.success) return new Error(`taobao ${event.topic} content: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const c = r.data;
  const minor = c.refund_fee === undefined ? undefined : toMinor(c.refund_fee, channel.currency);
  const amount = minor === undefined ? null : { minor, currency: channel.currency };
  const at = new Date().toISOString();
  const input: AfterSalesCaseInput = {
    caseKey: caseWorkflowId('taobao', c.refund_id),
    platform: 'taobao',
    channel: channel.id,
    shop: channel.shop,
    platformCaseId: c.refund_id,
    orderKey: orderKey(channel.id, c.tid),
    type: c.bill_type === 'return_bill' ? CASE_TYPE.RETURN_AND_REFUND : c.bill_type === 'replace_bill' ? CASE_TYPE.EXCHANGE : CASE_TYPE.REFUND_ONLY,
    lines: c.oid ? [{ lineId: c.oid, sku: null, qty: 0 }] : [],
    amount,
    reason: null,
    openedAt: at,
    openedBy: { kind: 'platform', actor: 'taobao' },
    first: { messageId: event.messageId, status: TOPIC_STATUS[event.topic.slice(REFUND_PREFIX.length)] ?? PLATFORM_CASE_STATUS.UPDATED, platformStatus: event.topic, at, ...(amount ? { refund: amount } : {}) },
  };
  return input;
};
