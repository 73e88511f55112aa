import { patched, setHandler } from '@temporalio/workflow';
import { HOLD_REASON, PATCH } from './constants.js';
import { trackingUpdate, waybillBackfill } from './definitions.js';
import type { OrderRun } from './run.js';

/**
 * The tracking robot's signals (src/tracking). Traces go on the timeline as the courier's news; a
 * stall shows in the HoldReason search attribute unless a real hold already does. A back-filled
 * waybill fills only an empty one: the waybill the hub issued is never overwritten.
 */
export function handleTrackingSignals(run: OrderRun): void {
  setHandler(trackingUpdate, (u) => {
    if (!patched(PATCH.TRACKING_ROBOT)) return;
    for (const t of u.traces) run.note(`${u.source} ${u.waybillNo}: ${t.description}${t.location ? ` @ ${t.location}` : ''} (${t.at})`, 'courier');
    if (u.stalled) {
      run.trackingStalled = u.stalled.reason;
      run.note(`tracking stalled (${u.stalled.reason}): ${u.stalled.message}`, 'courier');
      if (!run.hold) run.showHoldReason(HOLD_REASON.TRACKING_STALLED);
    } else if (u.stalled === null && run.trackingStalled) {
      run.trackingStalled = null;
      run.note('tracking moving again', 'courier');
      if (!run.hold) run.showHoldReason(null);
    }
  });
  setHandler(waybillBackfill, (b) => {
    if (!patched(PATCH.TRACKING_ROBOT)) return;
    if (run.waybillNo) {
      if (run.waybillNo !== b.waybillNo) run.note(`${b.source} reports waybill ${b.carrier} ${b.waybillNo}; the order keeps ${run.waybillNo}`, 'wms');
      return;
    }
    run.waybillNo = b.waybillNo;
    run.carrier ??= b.carrier;
    run.note(`tracking number back-filled from ${b.source}: ${b.carrier} ${b.waybillNo}`, 'wms');
  });
}
