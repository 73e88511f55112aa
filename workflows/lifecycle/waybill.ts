import { adapterActivities, outageRetrying, stringField } from './activities.js';
import { patched } from '@temporalio/workflow';
import { CAPABILITY, PATCH } from './constants.js';
import type { OrderRun } from './run.js';

/** The courier connector for a carrier: remote areas (EMS) go to the remote courier when one is set. */
export function courierFor(run: OrderRun, carrier: string | null): string | null {
  const s = run.s;
  return s ? (carrier === 'EMS' ? (s.remoteCourier ?? s.courier) : s.courier) : null;
}

/** Issues a waybill; the courier's orderId derives from the idempotency key, so a retry never makes a second one. */
export async function issueWaybill(run: OrderRun, conn: string): Promise<void> {
  const s = run.s;
  if (!s) return;
  run.waybillSeq++;
  const key = `${run.workflowId}:waybill-${run.waybillSeq}`;
  run.waybillKey = key;
  run.carrierOrderId = null;
  const order = run.order;
  const res = await outageRetrying(run, 'waybill', conn, (retryEveryMs) =>
    adapterActivities(s, conn, retryEveryMs).invokeAdapter({
      connector: conn,
      capability: CAPABILITY.WAYBILL_CREATE,
      idempotencyKey: key,
      input: { order, orderId: key, sender: s.sender, surcharge: run.surcharge, notes: giftNotes(run) },
      mapping: s.mappings.waybill ? { id: s.mappings.waybill, context: { orderId: key } } : null,
    }),
  );
  run.waybillNo = stringField(res, 'waybillNo');
  run.carrierOrderId = stringField(res, 'orderId');
  run.courierConn = conn;
}

export async function cancelCurrentWaybill(run: OrderRun, why: string): Promise<void> {
  const s = run.s;
  if (!s || !run.courierConn || !run.waybillKey) return;
  const conn = run.courierConn;
  const waybillNo = run.waybillNo;
  // The carrier's own order id comes back from create; until then the key it was derived from.
  await adapterActivities(s, conn).invokeAdapter({ connector: conn, capability: CAPABILITY.WAYBILL_CANCEL, idempotencyKey: `${run.waybillKey}:cancel`, input: { orderId: run.carrierOrderId ?? run.waybillKey, ...(waybillNo ? { waybillNo } : {}) } });
  run.note(`waybill ${waybillNo ?? run.waybillKey} cancelled at ${conn}: ${why}`);
}

/** Overwrites the receiver on the live waybill (same district); waits out a courier outage. */
export async function updateWaybill(run: OrderRun, updateKey: string): Promise<void> {
  const s = run.s;
  if (!s) return;
  const conn = run.courierConn ?? '';
  await outageRetrying(run, 'waybill update', conn, (retryEveryMs) =>
    adapterActivities(s, conn, retryEveryMs).invokeAdapter({
      connector: conn,
      capability: CAPABILITY.WAYBILL_UPDATE,
      idempotencyKey: updateKey,
      input: { order: run.order, orderId: run.carrierOrderId ?? run.waybillKey, waybillNo: run.waybillNo, sender: s.sender, surcharge: run.surcharge, notes: [] },
      mapping: s.mappings.waybillUpdate ? { id: s.mappings.waybillUpdate, context: {} } : null,
    }),
  );
}

/** The gift lines' waybill text as the seller wrote it in config (e.g. 赠品:智能饮水机滤芯×1). */
function giftNotes(run: OrderRun): string[] {
  const configured = patched(PATCH.GIFT_WAYBILL_TEXT);
  return run.order.lines.filter((l) => l.gift).map((l) => (configured && l.gift?.waybillText) || `Gift: ${l.title} x${l.quantity}`);
}
