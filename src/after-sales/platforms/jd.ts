import { z } from 'zod';
import { orderKey } from '../../canonical/order.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS, type CaseType, type PlatformCaseStatus } from '../../../workflows/after-sales/constants.js';
import { JD_ASC_EXPECT, JD_ASC_STATUS } from '../../../adapters/jd/aftersales-codes.js';
import type { CaseFromPull } from './types.js';
import { gmt8OrNull, issuesOf, pulledMessageId } from './pulled.js';

const Id = z.union([z.string().regex(/^\d+$/, 'digits'), z.number().int().nonnegative().refine(Number.isSafeInteger, 'unsafe integer id')]).transform(String);
/** JOS times: "yyyy-MM-dd HH:mm:ss" GMT+8, or epoch milliseconds (UNVERIFIED which one asc.query.list sends). */
const Time = z.union([z.string().min(1), z.number().int().nonnegative().transform((ms) => new Date(ms).toISOString())]);

/** One service order of jingdong.asc.query.list (fields UNVERIFIED: adapters/jd/aftersales-codes.ts). */
const Service = z.looseObject({
  serviceId: Id,
  orderId: Id,
  skuId: Id.optional(),
  serviceCount: z.coerce.number().int().nonnegative().optional(),
  customerExpect: z.coerce.number().int().optional(),
  serviceStatus: z.coerce.number().int(),
  updateTime: Time,
});

/**
 * The JD mapping table (every row UNVERIFIED, one place to correct): serviceStatus -> what
 * happened. Review, receipt and processing steps are news on the timeline only. A completed
 * service is a refund done when the buyer asked for a return (退货); an exchange or repair that
 * completes is resolved by the platform without a refund.
 */
const STATUS: Readonly<Record<number, PlatformCaseStatus>> = {
  [JD_ASC_STATUS.APPLIED]: PLATFORM_CASE_STATUS.REQUESTED,
  [JD_ASC_STATUS.REFUSED]: PLATFORM_CASE_STATUS.REFUSED,
  [JD_ASC_STATUS.JD_PROCESSING]: PLATFORM_CASE_STATUS.AGREED,
  [JD_ASC_STATUS.SELLER_PROCESSING]: PLATFORM_CASE_STATUS.AGREED,
  [JD_ASC_STATUS.CANCELLED]: PLATFORM_CASE_STATUS.CLOSED,
};
const TYPE: Readonly<Record<number, CaseType>> = {
  [JD_ASC_EXPECT.RETURN]: CASE_TYPE.RETURN_AND_REFUND,
  [JD_ASC_EXPECT.EXCHANGE]: CASE_TYPE.EXCHANGE,
  [JD_ASC_EXPECT.REPAIR]: CASE_TYPE.COMPLAINT,
};

function statusOf(status: number, expect: number | undefined): PlatformCaseStatus {
  if (status === JD_ASC_STATUS.COMPLETED) return expect === JD_ASC_EXPECT.RETURN ? PLATFORM_CASE_STATUS.REFUNDED : PLATFORM_CASE_STATUS.CLOSED;
  return STATUS[status] ?? PLATFORM_CASE_STATUS.UPDATED;
}

/**
 * A pulled JD service order as its case, keyed by JD's serviceId; the order line is the skuId
 * (jd/order.v1's lineId; an order with the same SKU on two lines names them skuId#n, which a
 * service order cannot tell apart: the case then names the bare skuId). No refund amount: the
 * list gives none (UNVERIFIED).
 */
export const jdPulledCase: CaseFromPull = ({ channel, record }) => {
  const r = Service.safeParse(record);
  if (!r.success) return new Error(`jd after-sales service: ${issuesOf(r.error)}`);
  const f = r.data;
  const at = gmt8OrNull(f.updateTime) ?? (Number.isNaN(Date.parse(f.updateTime)) ? null : f.updateTime);
  if (at === null) return new Error(`jd after-sales service: updateTime: not a time (${f.updateTime})`);
  return {
    caseKey: caseWorkflowId('jd', f.serviceId),
    platform: 'jd',
    channel: channel.id,
    shop: channel.shop,
    platformCaseId: f.serviceId,
    orderKey: orderKey(channel.id, f.orderId),
    type: (f.customerExpect === undefined ? undefined : TYPE[f.customerExpect]) ?? CASE_TYPE.RETURN_AND_REFUND,
    lines: f.skuId ? [{ lineId: f.skuId, sku: null, qty: f.serviceCount ?? 0 }] : [],
    amount: null,
    reason: null,
    openedAt: at,
    openedBy: { kind: 'platform', actor: 'jd' },
    first: {
      messageId: pulledMessageId('jd', f.serviceId, String(f.serviceStatus), f.updateTime),
      status: statusOf(f.serviceStatus, f.customerExpect),
      platformStatus: `serviceStatus ${f.serviceStatus}`,
      at,
    },
  };
};
