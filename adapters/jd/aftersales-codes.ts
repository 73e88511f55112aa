/**
 * JD after-sales service orders (售后服务单) as `jingdong.asc.query.list` speaks of them: the one
 * table of its codes, shared by the adapter, its sandbox and the case translation
 * (src/after-sales/platforms/jd.ts), so a correction from a live account is made here once.
 *
 * WIRE-FORMATS (§3) verifies only the request parameters (serviceId, orderId, applyTime /
 * finishTime / updateTime Begin/End, serviceStatus, pageNumber, pageSize). Everything below is
 * UNVERIFIED (docs/wire-formats/jd-after-sales.md): the codes follow the service steps
 * (afsServiceStep) of JD's other after-sales APIs.
 */
export const JD_ASC_METHOD = 'jingdong.asc.query.list';

/** serviceStatus (UNVERIFIED): the service order's step. */
export const JD_ASC_STATUS = {
  APPLIED: 10, // 申请阶段·待审核
  REFUSED: 20, // 审核不通过
  CS_REVIEW: 21, // 客服审核
  SELLER_REVIEW: 22, // 商家审核
  JD_RECEIVED: 31, // 京东收货
  SELLER_RECEIVED: 32, // 商家收货
  JD_PROCESSING: 33, // 京东处理
  SELLER_PROCESSING: 34, // 商家处理
  BUYER_CONFIRM: 40, // 用户确认
  COMPLETED: 50, // 完成
  CANCELLED: 60, // 取消
} as const;
export type JdAscStatus = (typeof JD_ASC_STATUS)[keyof typeof JD_ASC_STATUS];
export const JD_ASC_STATUSES: readonly number[] = Object.values(JD_ASC_STATUS);

/** customerExpect (UNVERIFIED): what the buyer asked for. */
export const JD_ASC_EXPECT = { RETURN: 10, EXCHANGE: 20, REPAIR: 30 } as const;
export const JD_ASC_EXPECTS: readonly number[] = Object.values(JD_ASC_EXPECT);

/** Rows per page: 50 at most (UNVERIFIED; the pre-ship refund list JD documents allows 50). */
export const JD_ASC_MAX_PAGE_SIZE = 50;
