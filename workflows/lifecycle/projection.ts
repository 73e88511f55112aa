import { ActivityFailure, CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import type { OrderProjection } from '../../src/store/db/projection.js';
import { store } from './activities.js';
import type { OrderRun } from './run.js';

/**
 * The one place the lifecycle writes its view of the order into the order store. A loop beside
 * the steps watches what the store shows (state, timeline, hold, waybill, confirmation, lines) and
 * writes a numbered projection whenever it changed, so no step has to remember to. Each write
 * carries the next seq and the store keeps only a higher one: a retried activity, a replayed
 * history or a late write never duplicates or reorders. The write is an activity the server
 * retries until the store answers, so a worker dying between a step and its projection loses
 * nothing: the next worker replays to the same run, sees the change not yet projected, writes it.
 * Steps never wait for the store; the workflow waits for the last write before it ends.
 */
export interface Projector {
  /** Writes what is not written yet and stops the loop. */
  flush(): Promise<void>;
  /** The seq of the last write made (the floor for a run that continues this order). */
  seq(): number;
}

/** `seqFloor`: the highest seq already in the store for this workflow id (a reopened order's closed run). */
export function startProjection(run: OrderRun, seqFloor = 0): Projector {
  let seq = seqFloor;
  let written = '';
  let done = false;
  // Cheap to compute on every activation: the order itself changes only with a timeline note.
  const fingerprint = () => JSON.stringify([run.state, run.timeline.length, run.hold?.reason ?? null, run.waybillNo, run.carrier, run.confirmedWaybill, run.order.lines.length, run.order.platformStatus]);
  const view = (): OrderProjection => {
    const s = run.snapshot();
    return {
      workflowId: run.workflowId,
      seq: ++seq,
      orderKey: s.orderKey,
      state: s.state,
      platformStatus: s.platformStatus,
      order: s.order,
      timeline: [...s.timeline],
      hold: s.hold,
      waybillNo: s.waybillNo,
      carrier: s.carrier,
      confirmedWaybill: run.confirmedWaybill,
      at: run.now(),
    };
  };
  // Not cancellable: an SRE's cancel of the workflow must still reach the store as `cancelled`.
  const loop = CancellationScope.nonCancellable(async () => {
    for (;;) {
      await condition(() => fingerprint() !== written || done);
      const fp = fingerprint();
      if (fp === written) return;
      try {
        await store.projectOrder(view());
        written = fp;
      } catch (err) {
        if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
        // Only a refusal gets here (no store on the worker): said once, then the order goes on.
        run.note(`order store projection stopped: ${err.cause?.message ?? err.message}`);
        return;
      }
    }
  });
  return {
    async flush() {
      done = true;
      await loop;
    },
    seq: () => seq,
  };
}
