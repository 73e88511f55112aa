import { z } from 'zod';
import { orderKey } from '../../canonical/order.js';
import { toMinor } from '../../mapping/functions.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS, type PlatformCaseStatus } from '../../../workflows/after-sales/constants.js';
import type { AfterSalesCaseInput } from '../../../workflows/after-sales/types.js';
import type { CaseFromPush } from './types.js';

const REFUND_PREFIX = 'trade_refund_';

/** Push type (after trade_refund_) -> what happened (WIRE-FORMATS: Youzan refund pushes). */
const TYPE_STATUS: Readonly<Record<string, PlatformCaseStatus>> = {
  BuyerCreated: PLATFORM_CASE_STATUS.REQUESTED,
  RefundSellerCreated: PLATFORM_CASE_STATUS.REQUESTED,
  RefundSellerAgree: PLATFORM_CASE_STATUS.AGREED,
  RefundSellerAgreeReturnGoods: PLATFORM_CASE_STATUS.AWAITING_RETURN,
  RefundBuyerReturnGoods: PLATFORM_CASE_STATUS.RETURN_SHIPPED,
  RefundSellerRefuseBuyerReturnGoods: PLATFORM_CASE_STATUS.REFUSED,
  RefundClosed: PLATFORM_CASE_STATUS.CLOSED,
  SysRefund: PLATFORM_CASE_STATUS.REFUNDED,
  RefundSuccess: PLATFORM_CASE_STATUS.REFUNDED,
};

const RefundMsg = z.looseObject({
  tid: z.string().min(1),
  oids: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).optional(),
  refund_id: z.union([z.string().min(1), z.number().int()]).transform(String),
  refunded_fee: z.union([z.string(), z.number()]).optional(),
  refund_type: z.string().optional(),
  refund_reason: z.string().optional(),
});

/** A Youzan trade_refund_* push (msg already decoded by the adapter) as its case. */
export const youzanCase: CaseFromPush = ({ channel, event }) => {
  if (!event.topic.startsWith(REFUND_PREFIX)) return null;
  const payload = z.object({ order: z.unknown() }).safeParse(event.payload);
  const r = RefundMsg.safeParse(payload.success ? payload.data.order : undefined);
  if (!r.success) return new Error(`youzan ${event.topic} msg: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const m = r.data;
  const oids = m.oids === undefined ? [] : Array.isArray(m.oids) ? m.oids.map(String) : m.oids.split(',').filter(Boolean);
  const minor = m.refunded_fee === undefined ? undefined : toMinor(m.refunded_fee, channel.currency);
  const amount = minor === undefined ? null : { minor, currency: channel.currency };
  const at = new Date().toISOString();
  const input: AfterSalesCaseInput = {
    caseKey: caseWorkflowId('youzan', m.refund_id),
    platform: 'youzan',
    channel: channel.id,
    shop: channel.shop,
    platformCaseId: m.refund_id,
    orderKey: orderKey(channel.id, m.tid),
    type: m.refund_type === 'REFUND_AND_RETURN' ? CASE_TYPE.RETURN_AND_REFUND : CASE_TYPE.REFUND_ONLY,
    lines: oids.map((lineId) => ({ lineId, sku: null, qty: 0 })),
    amount,
    reason: m.refund_reason ?? null,
    openedAt: at,
    openedBy: { kind: 'platform', actor: 'youzan' },
    first: { messageId: event.messageId, status: TYPE_STATUS[event.topic.slice(REFUND_PREFIX.length)] ?? PLATFORM_CASE_STATUS.UPDATED, platformStatus: event.topic, at, ...(amount ? { refund: amount } : {}) },
  };
  return input;
};
