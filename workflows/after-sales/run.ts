import { workflowInfo } from '@temporalio/workflow';
import { CASE_STATE, CASE_TRANSITIONS, type CaseState, type CaseType } from './constants.js';
import type { AfterSalesCaseInput, Assignee, CaseLine, CaseSettings, CaseSnapshot, CaseTimelineEntry, Escalation } from './types.js';

/**
 * Everything one case knows. Handlers and the SLA watcher change it; `version` counts the changes
 * so the workflow saves the read model once per batch of them.
 */
export class CaseRun {
  readonly workflowId: string;
  settings: CaseSettings | null = null;
  caseNumber: string | null = null;
  state: CaseState = CASE_STATE.OPEN;
  readonly type: CaseType;
  readonly lines: CaseLine[];
  assignee: Assignee | null = null;
  readonly timeline: CaseTimelineEntry[] = [];
  readonly escalations: Escalation[] = [];
  /** Bumped by every change a person or the platform makes: the SLA clock restarts from it. */
  progressSeq = 0;
  lastProgressAt: string;
  refundDone = false;
  /** Refund records on their way to the order store: the case ends only once they are written. */
  pendingRecords = 0;
  returnReceived = false;
  /** A return is being restocked right now: a second report waits for it instead of restocking again. */
  restocking = false;
  closeReason: string | null = null;
  /** The platform's after-sales id: from the opening message, or joined later by the platform's own news. */
  platformCaseId: string | null;
  readonly seenMessages = new Set<string>();
  version = 0;

  constructor(readonly input: AfterSalesCaseInput) {
    this.workflowId = workflowInfo().workflowId;
    this.type = input.type;
    this.lines = input.lines.map((l) => ({ ...l }));
    this.platformCaseId = input.platformCaseId;
    this.lastProgressAt = this.now();
  }

  get closed(): boolean {
    return this.state === CASE_STATE.CLOSED;
  }

  now(): string {
    return new Date().toISOString();
  }

  private push(kind: CaseTimelineEntry['kind'], text: string, actor: string): void {
    this.timeline.push({ at: this.now(), state: this.state, kind, text, actor });
    this.version++;
  }

  /** A change that counts as progress for the SLA. */
  progressed(): void {
    this.progressSeq++;
    this.lastProgressAt = this.now();
  }

  log(kind: CaseTimelineEntry['kind'], text: string, actor: string, progress: boolean): void {
    this.push(kind, text, actor);
    if (progress) this.progressed();
  }

  canMove(to: CaseState): boolean {
    return CASE_TRANSITIONS[this.state].includes(to);
  }

  moveTo(to: CaseState, text: string, actor: string): void {
    this.state = to;
    this.push('state', text, actor);
    this.progressed();
  }

  snapshot(): CaseSnapshot {
    const i = this.input;
    return {
      caseKey: i.caseKey,
      caseNumber: this.caseNumber,
      type: this.type,
      state: this.state,
      platform: i.platform,
      channel: i.channel,
      shop: i.shop,
      platformCaseId: this.platformCaseId,
      orderKey: i.orderKey,
      lines: this.lines,
      amount: i.amount,
      reason: i.reason,
      assignee: this.assignee,
      openedAt: i.openedAt,
      lastProgressAt: this.lastProgressAt,
      refundDone: this.refundDone,
      returnReceived: this.returnReceived,
      closeReason: this.closeReason,
      escalations: this.escalations,
      timeline: this.timeline,
    };
  }
}
