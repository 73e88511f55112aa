import { isCancellation, patched } from '@temporalio/workflow';
import { adapterActivities, failureMessage, isOutage } from './activities.js';
import { CAPABILITY, HOLD_REASON, PATCH } from './constants.js';
import type { OrderRun } from './run.js';

/** A level-3 hold (SKU not in the stock pool) is the purchasing lead's: the seeds' 采购提醒. */
const PURCHASING_LEVEL = 3;

/**
 * Tells the people configured for this kind of event (lifecycle.notify: hold reason -> a WeCom or
 * DingTalk connector, `*` for any), once per event: the key names the kind and its occurrence, so a
 * retried activity or a replay sends nothing twice. A notice never holds the order: one refused is
 * noted on the timeline; one whose channel is down past its retries goes on trying beside the order
 * (see waitOutOutage), so a person is told once it is back, and a decision is never kept waiting.
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
  const request = {
    connector,
    capability: CAPABILITY.ALERT_SEND,
    idempotencyKey: `${run.workflowId}:notify-${kind}-${n}`,
    input: { title, text: `${message}\norder ${run.input.orderKey} (${run.order.source.platform} ${run.order.source.platformOrderId})`, severity: critical ? 'critical' : 'warning', orderKey: run.input.orderKey },
  };
  try {
    await adapterActivities(s, connector).invokeAdapter(request);
    run.note(`${connector} told: ${kind}`);
  } catch (err) {
    if (isCancellation(err)) throw err;
    if (isOutage(err) && patched(PATCH.NOTICES_WAIT_OUT_OUTAGES)) return waitOutOutage(run, kind, request, err);
    run.note(`notice to ${connector} failed: ${failureMessage(err)}`);
  }
}

/**
 * The notice again as one activity the server retries every outageRetryMs until the channel (or
 * the outbox in Redis) answers, with the same idempotency key. Not awaited: the order goes on
 * waiting for its decision meanwhile. A workflow that ends first abandons it.
 */
function waitOutOutage(run: OrderRun, kind: string, request: Parameters<ReturnType<typeof adapterActivities>['invokeAdapter']>[0], err: unknown): void {
  const s = run.s;
  if (!s) return;
  const waitMs = s.outageRetryMs ?? 30_000;
  run.note(`notice to ${request.connector} waits: ${failureMessage(err)}; trying every ${Math.max(1, Math.round(waitMs / 1000))}s until it goes`);
  void adapterActivities(s, request.connector, waitMs)
    .invokeAdapter(request)
    .then(
      () => run.note(`${request.connector} told: ${kind}`),
      (e: unknown) => {
        if (!isCancellation(e)) run.note(`notice to ${request.connector} failed: ${failureMessage(e)}`);
      },
    );
}
