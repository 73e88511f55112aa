import { patched } from '@temporalio/workflow';
import { adapterActivities, outageRetrying, store, stringField } from './activities.js';
import { CAPABILITY, PATCH } from './constants.js';
import type { OrderRun } from './run.js';

/** Sends the outbound instruction (gift lines and label positions included); waits out a WMS outage. */
export async function pushToWms(run: OrderRun): Promise<void> {
  const s = run.s;
  if (!s?.wms) return;
  run.wmsSeq++;
  const wms = s.wms;
  const key = `${run.workflowId}:wms-${run.wmsSeq}`;
  const { order, waybillNo, carrier } = run;
  const res = await outageRetrying(run, 'WMS push', wms, (retryEveryMs) =>
    adapterActivities(s, wms, retryEveryMs).invokeAdapter({
      connector: wms,
      capability: CAPABILITY.WMS_ORDER_PUSH,
      idempotencyKey: key,
      input: { order, orderKey: run.input.orderKey, waybillNo, carrier },
      mapping: s.mappings.wms ? { id: s.mappings.wms, context: { waybillNo, carrier } } : null,
    }),
  );
  run.wmsFeedback = stringField(res, 'feedbackCode') ?? stringField(res, 'wmsCode') ?? stringField(res, 'code');
  // From here the WMS counts the units (promised, then shipped): a stock reading taken after it
  // ships but before pickup would otherwise take them off a second time. A hold already handed
  // (a push sent again) stays as it is.
  if (run.handedHoldKey !== run.holdKey && patched(PATCH.STOCK_HANDED_TO_WMS)) {
    await store.handOverInventory({ holdKey: run.holdKey });
    run.handedHoldKey = run.holdKey;
  }
}

/** The saga's undo of the push: intercept the outbound order at the WMS (a re-pushed order has its own key). */
export function interceptAtWms(run: OrderRun, wms: string, key = `${run.workflowId}:wms-intercept`, outageRetryMs?: number): Promise<unknown> {
  const s = run.s;
  if (!s) return Promise.resolve();
  return adapterActivities(s, wms, outageRetryMs).invokeAdapter({ connector: wms, capability: CAPABILITY.WMS_ORDER_INTERCEPT, idempotencyKey: key, input: { order: run.order, reason: (run.cancelRequest ?? { cause: 'cancelled' }).cause.slice(0, 200) } });
}

/**
 * The saga's undo of the push. A WMS outage (a 504 storm) is waited out as the push and the refund
 * intercept wait: given up after its retries, the trade stayed live and a refunded or cancelled
 * parcel could leave. A refusal (already picked, packed or shipped) still goes to a person.
 */
export function undoWmsPush(run: OrderRun, wms: string, key?: string): Promise<unknown> {
  if (!patched(PATCH.INTERCEPT_UNDO_WAITS_OUT_OUTAGES)) return interceptAtWms(run, wms, key);
  return outageRetrying(run, 'WMS intercept', wms, (retryEveryMs) => interceptAtWms(run, wms, key, retryEveryMs));
}
