import type { Money } from '../../src/canonical/order.js';
import type { CaseState, CaseType, PlatformCaseStatus, ReturnDisposition } from './constants.js';

/** One order line the case is about, as far as the message or the order tells. */
export interface CaseLine {
  lineId: string;
  sku: string | null;
  qty: number;
  title?: string | null;
}

/** Who works a case: a team or one person (ids from config). */
export interface Assignee {
  kind: 'team' | 'person';
  id: string;
}

/** What opens a case and every later platform message about it. */
export interface CaseMessage {
  /** The platform's message id (or a hub-made one): a message seen twice changes nothing. */
  messageId: string;
  status: PlatformCaseStatus;
  /** The platform's own words (tag, status code), for the timeline. */
  platformStatus: string;
  at: string;
  note?: string | null;
  refund?: Money | null;
  /**
   * The platform's after-sales id, when the message is the platform's own news about a case the
   * hub opened without one (a refund after pickup): the case takes it (CASE_PATCH.JOINS_PLATFORM_ID).
   */
  platformCaseId?: string | null;
}

export interface AfterSalesCaseInput {
  /** The case's stable key (also the workflow id): platform + platform after-sales id, or a hub-made id for cases opened by people. */
  caseKey: string;
  platform: string;
  channel: string | null;
  shop: string | null;
  platformCaseId: string | null;
  orderKey: string | null;
  type: CaseType;
  lines: CaseLine[];
  amount: Money | null;
  reason: string | null;
  openedAt: string;
  openedBy: { kind: 'platform' | 'person' | 'lifecycle'; actor: string };
  /**
   * The goods are already on their way back when the case opens (Shopify refunds with restock
   * type return: the money goes first): the case waits for them even once the refund is done.
   */
  returnExpected?: boolean;
  /** The message that opened it (a platform push, a refund seen on the order, a person's request). */
  first: CaseMessage;
}

/** A rule of config afterSales.assignment: the first match assigns. Absent fields match anything. */
export interface AssignmentRule {
  type?: CaseType[];
  platform?: string[];
  shop?: string[];
  /** Amount bounds in minor units, inclusive. */
  minAmount?: number;
  maxAmount?: number;
  assignee: Assignee;
}

/** The case settings, read from config by an activity when the case opens and kept for its life. */
export interface CaseSettings {
  slaHours: number;
  assignment: AssignmentRule[];
  defaultAssignee: Assignee;
  /** Assignee id -> its supervisor's id (a person or team); escalations climb this chain. */
  supervisors: Record<string, string>;
  /** Notifier connector (alert.send) told of escalations; null: escalations only on the timeline. */
  notifyConnector: string | null;
  warehouse: string;
  returns: { disposition: ReturnDisposition; quarantineLocation: string };
}

export interface CaseTimelineEntry {
  at: string;
  state: CaseState;
  kind: 'state' | 'note' | 'assigned' | 'escalated' | 'platform' | 'linked' | 'restocked';
  text: string;
  actor: string;
}

export interface Escalation {
  n: number;
  at: string;
  to: string;
  notified: boolean;
}

export interface CaseSnapshot {
  caseKey: string;
  caseNumber: string | null;
  type: CaseType;
  state: CaseState;
  platform: string;
  channel: string | null;
  shop: string | null;
  platformCaseId: string | null;
  orderKey: string | null;
  lines: CaseLine[];
  amount: Money | null;
  reason: string | null;
  assignee: Assignee | null;
  openedAt: string;
  lastProgressAt: string;
  refundDone: boolean;
  returnReceived: boolean;
  closeReason: string | null;
  escalations: Escalation[];
  timeline: CaseTimelineEntry[];
}

export interface ReturnReceivedInput {
  actor: string;
  /** Units received per line; absent: every line of the case in full. */
  lines?: { lineId: string; qty: number; sku?: string }[];
  note?: string;
}
