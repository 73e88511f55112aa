import { isCancellation } from '@temporalio/workflow';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { notifier } from './activities.js';
import type { CaseRun } from './run.js';

/**
 * Tells the configured notifier (lifecycle.notify `after_sales_sla` or `*`) of an escalation,
 * once: the key names the case and the escalation, so a retry or a replay sends nothing twice.
 * The single place a case sends a notice, so a notification router can take it over. True when sent.
 */
export async function notifyEscalation(run: CaseRun, n: number, to: string): Promise<boolean> {
  const connector = run.settings?.notifyConnector;
  if (!connector) return false;
  const c = run.snapshot();
  const title = `售后工单超时升级 after-sales escalation: ${c.caseNumber ?? c.caseKey}`;
  const text = [`工单 ${c.caseNumber ?? c.caseKey} (${c.type}, ${c.state}) ${run.settings?.slaHours ?? ''} 小时未处理`, `升级至 escalated to: ${to} (第 ${n} 次)`, `负责人 assignee: ${c.assignee?.id ?? '-'}`, c.orderKey ? `订单 order: ${c.orderKey}` : ''].filter(Boolean).join('\n');
  try {
    await notifier.invokeAdapter({ connector, capability: CAPABILITY.ALERT_SEND, idempotencyKey: `${run.workflowId}:sla-escalation-${n}`, input: { title, text, severity: 'warning', ...(c.orderKey ? { orderKey: c.orderKey } : {}) } });
    return true;
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.log('note', `escalation notice to ${connector} failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`, 'hub', false);
    return false;
  }
}
