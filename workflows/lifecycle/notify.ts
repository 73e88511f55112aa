import { isCancellation, patched } from '@temporalio/workflow';
import { adapterActivities } from './activities.js';
import { CAPABILITY, HOLD_REASON, PATCH } from './constants.js';
import type { OrderRun } from './run.js';

/** A level-3 hold (SKU not in the stock pool) is the purchasing lead's: the seeds' 采购提醒. */
const PURCHASING_LEVEL = 3;

/**
 * Tells the people configured for this kind of event (lifecycle.notify: hold reason -> a WeCom or
 * DingTalk connector, `*` for any), once per event: the key names the kind and its occurrence, so a
 * retried activity or a replay sends nothing twice. A notice that cannot be sent is noted on the
 * timeline and never holds the order.
 */
export async function notifyPeople(run: OrderRun, kind: string, level: number | null, message: string): Promise<void> {
  const s = run.s;
  const connector = s?.notify?.[kind] ?? s?.notify?.['*'];
  if (!s || !connector || !patched(PATCH.HOLD_NOTIFICATIONS)) return;
  const n = (run.notified.get(kind) ?? 0) + 1;
  run.notified.set(kind, n);
  const purchasing = level === PURCHASING_LEVEL;
  const critical = purchasing || kind === HOLD_REASON.COMPENSATION_FAILED;
  const title = purchasing ? `采购提醒 purchasing alert: ${kind}` : `${run.input.orderKey}: ${kind}`;
  try {
    await adapterActivities(s, connector).invokeAdapter({
      connector,
      capability: CAPABILITY.ALERT_SEND,
      idempotencyKey: `${run.workflowId}:notify-${kind}-${n}`,
      input: { title, text: `${message}\norder ${run.input.orderKey} (${run.order.source.platform} ${run.order.source.platformOrderId})`, severity: critical ? 'critical' : 'warning', orderKey: run.input.orderKey },
    });
    run.note(`${connector} told: ${kind}`);
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.note(`notice to ${connector} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
