import { condition } from '@temporalio/workflow';
import { escalationTarget } from './assign.js';
import { notifyEscalation } from './notify.js';
import type { CaseRun } from './run.js';

/**
 * The SLA: a case with no progress for slaHours escalates to its assignee's supervisor, and again
 * (one step further up, when there is one) for each further period without progress. Each
 * escalation is one timer firing, so it happens once per period; progress restarts the clock.
 */
export async function watchSla(run: CaseRun): Promise<void> {
  const s = run.settings;
  if (!s) return;
  const periodMs = s.slaHours * 3_600_000;
  let quietPeriods = 0;
  for (;;) {
    const mark = run.progressSeq;
    const progressed = await condition(() => run.closed || run.progressSeq !== mark, periodMs);
    if (run.closed) return;
    if (progressed) {
      quietPeriods = 0;
      continue;
    }
    quietPeriods++;
    const n = run.escalations.length + 1;
    const assigneeId = run.assignee?.id ?? '';
    const to = escalationTarget(s.supervisors, assigneeId, quietPeriods) ?? s.supervisors['*'] ?? null;
    const target = to ?? '(no supervisor configured)';
    const esc = { n, at: run.now(), to: target, notified: false };
    run.escalations.push(esc);
    run.log('escalated', `no progress for ${s.slaHours * quietPeriods} h: escalated to ${target} (escalation ${n})`, 'hub', false);
    if (to) esc.notified = await notifyEscalation(run, n, to);
    if (esc.notified) run.log('note', `${s.notifyConnector ?? 'notifier'} told of escalation ${n}`, 'hub', false);
  }
}
