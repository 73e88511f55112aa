import { patched } from '@temporalio/workflow';
import { adapterActivities, outageRetrying } from '../activities.js';
import { CAPABILITY, PATCH } from '../constants.js';
import type { OrderRun } from '../run.js';
import type { TrackingEvent } from '../types.js';

/**
 * Writes shipment status and tracking number back to the order's legacy ERP (its table or
 * procedure, by ODBC), keyed by order + event so a retry writes once. Like every write, it waits
 * out an ERP outage (same idempotency key however often it is tried), but off the parcel's path:
 * the order moves on while its ERP record catches up, and completes only once every write-back
 * is done. A refusal (bad table, rejected row) is noted, not waited on. Histories from before
 * 'erp-write-back-waits-out-outages' replay the single inline attempt.
 */
export async function writeBackShipment(run: OrderRun, event: 'shipped' | 'delivered', status: string, e: TrackingEvent | null): Promise<void> {
  const s = run.s;
  const conn = s?.shipmentWriteBack?.[run.input.order.source.channel];
  if (!s || !conn || !patched(PATCH.ERP_SHIPMENT_WRITE_BACK)) return;
  // Taken now: a write-back that waits must still say what was true when the event happened.
  const shipment = { orderNo: run.order.source.platformOrderId, event, status, carrier: run.courierConn ?? run.carrier, trackingNo: run.waybillNo ?? e?.waybillNo ?? null, at: e?.at ?? run.now() };
  const write = (retryEveryMs?: number) =>
    adapterActivities(s, conn, retryEveryMs).invokeAdapter({ connector: conn, capability: CAPABILITY.SHIPMENT_CONFIRM, idempotencyKey: `${run.workflowId}:erp-write-back-${event}`, input: shipment });
  const writeAndNote = async (go: () => Promise<unknown>): Promise<void> => {
    try {
      await go();
      run.note(`ERP ${conn}: ${event} written back`);
    } catch (err) {
      run.note(`ERP ${conn}: ${event} write-back failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  if (!patched(PATCH.ERP_WRITE_BACK_WAITS_OUT_OUTAGES)) return writeAndNote(() => write());
  run.writeBacks = run.writeBacks.then(() => writeAndNote(() => outageRetrying(run, `ERP ${event} write-back`, conn, write)));
}
