/**
 * After-sales case vocabulary, shared by the case workflow, the hub's intake and its API (pure
 * data, no imports, so workflow and hub code use one definition).
 */
export const CASE_STATE = {
  OPEN: 'open',
  IN_PROGRESS: 'in_progress',
  AWAITING_RETURN: 'awaiting_return',
  RETURN_RECEIVED: 'return_received',
  REFUNDED: 'refunded',
  RESOLVED: 'resolved',
  CLOSED: 'closed',
} as const;
export type CaseState = (typeof CASE_STATE)[keyof typeof CASE_STATE];
export const CASE_STATES: readonly CaseState[] = Object.values(CASE_STATE);

export const CASE_TYPE = {
  REFUND_ONLY: 'refund_only',
  RETURN_AND_REFUND: 'return_and_refund',
  EXCHANGE: 'exchange',
  REISSUE: 'reissue',
  COMPLAINT: 'complaint',
} as const;
export type CaseType = (typeof CASE_TYPE)[keyof typeof CASE_TYPE];
export const CASE_TYPES: readonly CaseType[] = Object.values(CASE_TYPE);
/** Types whose goods come back: a return received restocks them. */
export const RETURN_TYPES: readonly CaseType[] = [CASE_TYPE.RETURN_AND_REFUND, CASE_TYPE.EXCHANGE];
/** Types finance follows: money goes back to the buyer. */
export const REFUND_TYPES: readonly CaseType[] = [CASE_TYPE.REFUND_ONLY, CASE_TYPE.RETURN_AND_REFUND];

/**
 * Where a case may go from each state. A person moves it along the first four; refunded comes
 * only from the platform's word, resolved only with a reason; both end in closed.
 */
export const CASE_TRANSITIONS: Readonly<Record<CaseState, readonly CaseState[]>> = {
  open: ['in_progress', 'awaiting_return', 'return_received', 'refunded', 'resolved'],
  in_progress: ['awaiting_return', 'return_received', 'refunded', 'resolved'],
  awaiting_return: ['in_progress', 'return_received', 'refunded', 'resolved'],
  return_received: ['in_progress', 'refunded', 'resolved'],
  refunded: ['closed'],
  resolved: ['closed'],
  closed: [],
};
/** States a person may set with changeCaseState: the rest follow the platform or a close with a reason. */
export const MANUAL_STATES: readonly CaseState[] = [CASE_STATE.IN_PROGRESS, CASE_STATE.AWAITING_RETURN];

/** What the platform says happened to an after-sale, normalised across platforms. */
export const PLATFORM_CASE_STATUS = {
  REQUESTED: 'requested',
  AGREED: 'agreed',
  AWAITING_RETURN: 'awaiting_return',
  RETURN_SHIPPED: 'return_shipped',
  REFUSED: 'refused',
  REFUNDED: 'refunded',
  CLOSED: 'closed',
  UPDATED: 'updated',
} as const;
export type PlatformCaseStatus = (typeof PLATFORM_CASE_STATUS)[keyof typeof PLATFORM_CASE_STATUS];

/** Business refusals of a case update: retrying cannot help, the caller must change the request. */
export const CASE_FAILURE = {
  INVALID_TRANSITION: 'InvalidCaseTransition',
  CASE_CLOSED: 'CaseClosed',
  REASON_REQUIRED: 'CloseReasonRequired',
  NOTHING_TO_RESTOCK: 'NothingToRestock',
} as const;

/** Without config: 48 h without progress escalates (the seeds' 48小时未处理自动升级至上级主管). */
export const DEFAULT_SLA_HOURS = 48;
/** The notify kind (lifecycle.notify key) of an SLA escalation; `*` there covers it too. */
export const SLA_NOTIFY_KIND = 'after_sales_sla';

export const RETURN_DISPOSITION = { RESTOCK: 'restock', QUARANTINE: 'quarantine' } as const;
export type ReturnDisposition = (typeof RETURN_DISPOSITION)[keyof typeof RETURN_DISPOSITION];

/** Case behaviour changes, each behind `patched()` so recorded cases replay. */
export const CASE_PATCH = {
  /** A platform message naming its after-sales id gives that id to a case opened without one (the lifecycle's refund after pickup). */
  JOINS_PLATFORM_ID: 'case-joins-platform-id',
  /** The platform's refund-success records the refund (amount, time, lines) in the order store for finance. */
  RECORDS_REFUND: 'case-records-refund',
} as const;

/** The workflow id of a case: a platform's after-sales id names it once, whatever redelivers it. */
export function caseWorkflowId(platform: string, platformCaseId: string): string {
  return `after-sales:${platform}:${platformCaseId}`;
}
