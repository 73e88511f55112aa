import { condition, setHandler } from '@temporalio/workflow';
import { LIFECYCLE_STATE } from '../states.js';
import { handleAddressChanges } from './address.js';
import { afterSalesOpened, cancelOrder, decide, getOrderState, platformEvent, trackingEvent } from './definitions.js';
import { FINAL_STATES, SHIPPED_STATES } from './phases.js';
import type { OrderRun } from './run.js';
import { handlePlatformSnapshots } from './snapshot.js';
import { handleTrackingSignals } from './tracking.js';

/** Every query, signal and update of the order: they only record what was asked; the steps act on it. */
export function registerHandlers(run: OrderRun): void {
  setHandler(getOrderState, () => run.snapshot());
  setHandler(platformEvent, (e) => {
    // Redeliveries repeat news: only what changes something goes on the timeline.
    if (e.kind === 'paid') {
      if (run.paid) return;
      run.paid = true;
      run.paidVia = e.reason ?? 'platform event paid';
    } else if (e.kind === 'balance_paid') {
      if (run.balancePaid) return;
      run.balancePaid = true;
    } else {
      if (run.cancelRequest) return;
      run.cancelRequest = { cause: `platform: ${e.kind}${e.reason ? ` (${e.reason})` : ''}`, actor: 'platform' };
    }
    run.note(`platform event ${e.kind}`, 'platform');
  });
  setHandler(trackingEvent, (e) => {
    if (e.event === 'delivered') {
      run.tracking.delivered ??= e;
      run.tracking.pickedUp ??= e;
    } else run.tracking.pickedUp ??= e;
  });
  setHandler(
    decide,
    async (d) => {
      const taken = run.decisionsTaken;
      // Not held but an address change waits for review: the verdict is applied between steps.
      if (run.state !== LIFECYCLE_STATE.ON_HOLD && run.pendingReview) run.addressQueue.push({ seq: ++run.addressSeq, input: run.pendingReview.change, review: d });
      else run.pendingDecision = d;
      await condition(() => run.decisionsTaken > taken);
      return { state: run.state, hold: run.hold };
    },
    {
      validator: (d) => {
        if (FINAL_STATES.includes(run.state) || (run.state !== LIFECYCLE_STATE.ON_HOLD && !run.pendingReview)) throw new Error(`order is ${run.state}, not on hold: nothing to decide`);
        if (d.action === 'edit' && (run.state !== LIFECYCLE_STATE.ON_HOLD || !d.address)) throw new Error(run.state !== LIFECYCLE_STATE.ON_HOLD ? 'an address review is approved or rejected, not edited' : 'edit needs an address');
      },
    },
  );
  setHandler(
    cancelOrder,
    async (c) => {
      run.cancelRequest ??= c;
      await condition(() => run.cancelOutcome !== null);
      return { cancelled: run.cancelOutcome?.cancelled ?? false, state: run.state, failedCompensations: run.cancelOutcome?.failedCompensations ?? [] };
    },
    {
      validator: (_c) => {
        if (SHIPPED_STATES.includes(run.state)) throw new Error(`order is ${run.state}: cancelling after pickup is an after-sales return`);
        if (FINAL_STATES.includes(run.state)) throw new Error(`order is already ${run.state}`);
      },
    },
  );
  setHandler(afterSalesOpened, (link) => {
    if (run.afterSalesCases.has(link.caseKey)) return;
    run.afterSalesCases.set(link.caseKey, link);
    run.note(`after-sales case ${link.caseNumber} opened (${link.type})`, 'after-sales');
  });
  handleAddressChanges(run);
  handlePlatformSnapshots(run);
  handleTrackingSignals(run);
}
