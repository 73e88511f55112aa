import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { InvokeAdapterInput } from '../../src/activities/invoke-adapter.js';
import type { AfterSalesActivities } from '../../src/after-sales/activities.js';
import { CASE_TYPE, caseWorkflowId, PLATFORM_CASE_STATUS } from '../../workflows/after-sales/constants.js';
import { getCaseState } from '../../workflows/after-sales/definitions.js';
import type { afterSalesCase } from '../../workflows/after-sales-case.js';
import type { AfterSalesCaseInput, CaseSettings, CaseSnapshot } from '../../workflows/after-sales/types.js';
import { startTimeSkippingEnv, workflowBundle } from './workflow-env.js';

/**
 * Workflow-level tests of the after-sales case on the time-skipping test server: the real workflow,
 * its activities stubbed and recorded (settings, numbering, saves, restocks, notices).
 */
export type CaseHandle = WorkflowHandle<typeof afterSalesCase>;

export function caseSettings(over: Partial<CaseSettings> = {}): CaseSettings {
  return {
    slaHours: 48,
    assignment: [{ type: [CASE_TYPE.RETURN_AND_REFUND], platform: ['douyin'], minAmount: 50_000, assignee: { kind: 'person', id: 'senior-li' } }],
    defaultAssignee: { kind: 'team', id: 'cs-team' },
    supervisors: { 'cs-team': 'lead-wang', 'lead-wang': 'director-zhao' },
    notifyConnector: 'wecom-ops',
    warehouse: 'WH1',
    returns: { disposition: 'restock', quarantineLocation: 'RETURNS-QC' },
    ...over,
  };
}

export function caseInput(over: Partial<AfterSalesCaseInput> = {}): AfterSalesCaseInput {
  const id = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  return {
    caseKey: caseWorkflowId('douyin', id),
    platform: 'douyin',
    channel: 'dy-main',
    shop: '12345',
    platformCaseId: id,
    orderKey: null,
    type: CASE_TYPE.RETURN_AND_REFUND,
    lines: [{ lineId: 'L1', sku: 'SKU-1', qty: 2 }],
    amount: { minor: 19_900, currency: 'CNY' },
    reason: 'size does not fit',
    openedAt: '2026-12-05T10:00:00+08:00',
    openedBy: { kind: 'platform', actor: 'douyin' },
    first: { messageId: `m-${id}-200`, status: PLATFORM_CASE_STATUS.REQUESTED, platformStatus: 'tag 200', at: '2026-12-05T10:00:00+08:00' },
    ...over,
  };
}

export interface CaseCall {
  name: string;
  input: unknown;
}

export function caseStubs(settings: CaseSettings = caseSettings()) {
  const calls: CaseCall[] = [];
  const restocked = new Set<string>();
  const numbers = new Map<string, string>();
  const rec = (name: string, input: unknown) => calls.push({ name, input });
  const activities: AfterSalesActivities & { invokeAdapter(req: InvokeAdapterInput): Promise<unknown>; recordOrderRefund(input: unknown): Promise<{ recorded: boolean; stored: boolean }> } = {
    async afterSalesSettings() {
      rec('afterSalesSettings', null);
      return settings;
    },
    async allocateCaseNumber(input) {
      rec('allocateCaseNumber', input);
      const n = numbers.get(input.caseKey) ?? `AS-20261205-${String(numbers.size + 1).padStart(4, '0')}`;
      numbers.set(input.caseKey, n);
      return { caseNumber: n };
    },
    async saveCase(input) {
      rec('saveCase', input);
      return { saved: true };
    },
    async claimCaseLine(input) {
      rec('claimCaseLine', input);
      return { owner: input.caseKey };
    },
    async restockReturn(input) {
      rec('restockReturn', input);
      const applied = !restocked.has(input.restockKey);
      restocked.add(input.restockKey);
      return { applied, disposition: input.disposition, location: input.location };
    },
    async recordOrderRefund(input) {
      rec('recordOrderRefund', input);
      return { recorded: true, stored: true };
    },
    async invokeAdapter(req) {
      rec(`invokeAdapter ${req.capability} ${req.idempotencyKey}`, req);
      return { sent: true };
    },
  };
  return { activities, calls, names: (prefix: string) => calls.filter((c) => c.name.startsWith(prefix)) };
}
export type CaseStubs = ReturnType<typeof caseStubs>;

/** One time-skipping server and worker per file; each test brings its stubs. */
export class CaseHarness {
  private stubs: CaseStubs | null = null;
  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly taskQueue: string,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
  ) {}

  static async start(): Promise<CaseHarness> {
    const [env, bundle] = await Promise.all([startTimeSkippingEnv(), workflowBundle()]);
    const taskQueue = `cases-${randomUUID()}`;
    let current: () => CaseStubs | null = () => null;
    const names = ['afterSalesSettings', 'allocateCaseNumber', 'saveCase', 'restockReturn', 'invokeAdapter', 'recordOrderRefund'] as const;
    const delegate = Object.fromEntries(
      names.map((n) => [
        n,
        (input: never) => {
          const s = current();
          if (!s) throw new Error(`${n} called outside a test`);
          return (s.activities[n] as (i: never) => Promise<unknown>)(input);
        },
      ]),
    );
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: bundle.codePath }, activities: delegate });
    const h = new CaseHarness(env, taskQueue, worker, worker.run());
    current = () => h.stubs;
    return h;
  }

  use(stubs: CaseStubs): void {
    this.stubs = stubs;
  }

  start(input: AfterSalesCaseInput): Promise<CaseHandle> {
    return this.env.client.workflow.start<typeof afterSalesCase>('afterSalesCase', { taskQueue: this.taskQueue, workflowId: input.caseKey, args: [input] });
  }

  /** Polls (real time) until `check` holds on the case's state. */
  async until(h: CaseHandle, check: (s: CaseSnapshot) => boolean, what: string, ms = 15_000): Promise<CaseSnapshot> {
    let last: CaseSnapshot | null = null;
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
      last = await h.query(getCaseState);
      if (check(last)) return last;
    }
    throw new Error(`case ${h.workflowId}: still waiting for ${what}; now ${last?.state}: ${JSON.stringify(last?.timeline.slice(-3))}`);
  }

  async teardown(): Promise<void> {
    this.worker.shutdown();
    await this.running.catch(() => undefined);
    await this.env.teardown();
  }
}
