import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { adapterAnswer, canonicalOrder, causes, gated, LifecycleHarness, lifecycleInput, lockShort, rulesPass, stubActivities } from '../../tests/support/lifecycle-harness.js';
import { LIFECYCLE_STATE } from '../states.js';

/**
 * Cancelling at every step on the time-skipping test server with stub activities: exactly the
 * compensations registered so far run, newest first; one that fails puts the order in front of a
 * person (compensation_failed) instead of being forgotten.
 */
let h: LifecycleHarness;
beforeAll(async () => {
  h = await LifecycleHarness.start();
}, 120_000);
afterAll(async () => {
  await h?.teardown();
});

const cancelled = { cancelled: true, state: LIFECYCLE_STATE.CANCELLED, failedCompensations: [] };

/** The undo calls a fully dispatched order makes, newest step first. */
const undoAll = (id: string) => [`invokeAdapter wms.order.intercept ${id}:wms-intercept`, `invokeAdapter waybill.cancel ${id}:waybill-1:cancel`, `releaseInventory ${id}:lock-0`];

// First in the file: after an order is terminated while still running (the harness does that at
// the end of a test), the Java test server was seen to stop skipping activity retry backoff for the
// rest of its life; workflow timers keep skipping. Every test here lets its order end by itself.
describe('a compensation that fails', () => {
  it('a courier refusing the waybill cancel: the rest is still undone and a person is asked (compensation_failed)', async () => {
    const stubs = stubActivities({
      invokeAdapter: (req) => {
        if (req.capability === 'waybill.cancel') throw ApplicationFailure.nonRetryable('parcel already collected', 'AdapterRejected');
        return adapterAnswer(req);
      },
    });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      expect(await run.cancel(wf)).toEqual({ ...cancelled, failedCompensations: ['cancel waybill'] });
      // Not retried (a refusal), and the stock is released all the same.
      expect(stubs.trace().slice(-4)).toEqual([...undoAll(id), 'requestDecision']);
      expect(stubs.calls.at(-1)?.input).toMatchObject({ orderKey: expect.any(String), workflowId: id, reason: 'compensation_failed', actions: ['approve'], message: 'buyer asked; could not undo: cancel waybill' });
      const end = await run.result(wf);
      expect(end.state).toBe(LIFECYCLE_STATE.CANCELLED);
      expect(end.hold).toMatchObject({ reason: 'compensation_failed', message: 'could not undo: cancel waybill' });
      expect(causes(end).some((c) => c.startsWith('compensation failed: cancel waybill: '))).toBe(true);
    });
  });

  it('a stock release failing every retry: tried five times in the worker, then its eight times on the server (backoff skipped), then compensation_failed', async () => {
    const stubs = stubActivities({
      releaseInventory: () => {
        throw new Error('redis down');
      },
    });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      await run.platform(wf, 'cancelled', 'buyer cancelled');
      const end = await run.result(wf);
      expect(end.state).toBe(LIFECYCLE_STATE.CANCELLED);
      expect(end.hold).toMatchObject({ reason: 'compensation_failed', message: 'could not undo: release stock' });
      // Five local attempts (PATCH.LOCAL_STORE_STEPS), then the compensation's eight server attempts, one hold key.
      expect(stubs.trace((c) => c.name === 'releaseInventory')).toEqual(Array<string>(5 + 8).fill(`releaseInventory ${id}:lock-0`));
    });
  });
});

describe('cancel at each step', () => {
  it('awaiting payment: releases the countdown reservation', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput({ order: canonicalOrder({ status: 'awaiting_payment' }) }));
      const id = wf.workflowId;
      await run.waitFor(wf, LIFECYCLE_STATE.AWAITING_PAYMENT);
      expect(await run.cancel(wf)).toEqual(cancelled);
      expect(stubs.trace()).toEqual([`recordOrder ${id}:record`, `lockInventory ${id}:lock-0`, `releaseInventory ${id}:lock-0`]);
      expect(stubs.calls.at(-1)?.input).toEqual({ holdKey: `${id}:lock-0`, reason: 'unpaid' });
      const end = await run.result(wf);
      expect(end.timeline.slice(-2)).toMatchObject([{ cause: 'compensated: release unpaid lock', actor: 'cs-agent' }, { state: 'cancelled', cause: 'buyer asked', actor: 'cs-agent' }]);
    });
  });

  it('on a rule hold: nothing was done, nothing is undone', async () => {
    const stubs = stubActivities({ checkOrderRules: () => rulesPass({ holds: [{ level: 2, code: 'order_frequency', reason: 'too many orders' }] }) });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      await run.waitForHold(wf);
      expect(await run.cancel(wf)).toEqual(cancelled);
      expect(stubs.trace()).toEqual([`recordOrder ${wf.workflowId}:record`, 'checkOrderRules', 'requestDecision', 'clearDecision']);
    });
  });

  it('on an insufficient-stock hold: the failed lock is not released', async () => {
    const stubs = stubActivities({ lockInventory: lockShort });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      await run.waitForHold(wf);
      expect(await run.cancel(wf)).toEqual(cancelled);
      expect(stubs.trace((c) => c.name === 'releaseInventory' || c.name === 'invokeAdapter')).toEqual([]);
    });
  });

  it('during the waybill request: cancels that waybill and releases the stock; the WMS never hears of it', async () => {
    const courier = gated('waybill.create');
    const stubs = stubActivities({ invokeAdapter: courier.invokeAdapter });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      await courier.started;
      const pending = await run.cancelAccepted(wf);
      courier.open();
      expect(await pending.result()).toEqual(cancelled);
      expect(stubs.trace().slice(2)).toEqual([`lockInventory ${id}:lock-0`, `invokeAdapter waybill.create ${id}:waybill-1`, `invokeAdapter waybill.cancel ${id}:waybill-1:cancel`, `releaseInventory ${id}:lock-0`]);
      expect(stubs.calls.find((c) => c.capability === 'waybill.cancel')?.input).toMatchObject({ connector: 'courier-sf', input: { orderId: 'CO-1', waybillNo: 'SF1001' } });
    });
  });

  it('during the WMS push: intercepts at the WMS, then cancels the waybill and releases the stock', async () => {
    const wms = gated('wms.order.push');
    const stubs = stubActivities({ invokeAdapter: wms.invokeAdapter });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      await wms.started;
      const pending = await run.cancelAccepted(wf);
      wms.open();
      expect(await pending.result()).toEqual(cancelled);
      // The push went through, so the WMS holds the trade: the stock is handed to it, then undone.
      expect(stubs.trace().slice(-5)).toEqual([`invokeAdapter wms.order.push ${id}:wms-1`, `handOverInventory ${id}:lock-0`, ...undoAll(id)]);
    });
  });

  it('waiting for pickup: undoes all three, newest first, and says so on the timeline', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      expect(await run.cancel(wf, 'out of stock at the shop', 'ops-3')).toEqual(cancelled);
      expect(stubs.trace().slice(-3)).toEqual(undoAll(id));
      const end = await run.result(wf);
      expect(causes(end).slice(-5)).toEqual(['compensated: intercept at wms-1', 'waybill SF1001 cancelled at courier-sf: order cancelled', 'compensated: cancel waybill', 'compensated: release stock', 'out of stock at the shop']);
      expect(end.compensationsPending).toEqual([]);
    });
  });

  it('a platform refund while waiting for pickup cancels the same way', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      await run.platform(wf, 'refunded', 'buyer refunded in full');
      const end = await run.result(wf);
      expect(end.timeline.at(-1)).toMatchObject({ state: 'cancelled', cause: 'platform: refunded (buyer refunded in full)', actor: 'platform' });
      expect(stubs.trace().slice(-3)).toEqual(undoAll(wf.workflowId));
    });
  });

  // Seen in the 2,000-order day: a platform refund landed during the WMS's 504 storm; the intercept
  // used its 2 attempts and went to a person while the trade stayed live, so the refunded parcel
  // would have shipped. An outage is waited out, as the refund intercept and the push already do.
  it('a WMS down past its retries when a platform refund cancels: the intercept waits for it, nothing goes to a person', async () => {
    const stubs = stubActivities({
      invokeAdapter: (req, n) => {
        if (req.capability === 'wms.order.intercept' && n <= 5) throw ApplicationFailure.retryable('WDT answers 504', 'AdapterUnavailable');
        return adapterAnswer(req);
      },
    });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      await run.platform(wf, 'refunded', 'buyer refunded in full');
      const end = await run.result(wf);
      expect(end.state).toBe(LIFECYCLE_STATE.CANCELLED);
      expect(end.hold).toBeNull();
      expect(causes(end).filter((c) => c.startsWith('compensation failed'))).toEqual([]);
      expect(causes(end)).toContain('compensated: intercept at wms-1');
      expect(stubs.calls.filter((c) => c.name === 'requestDecision')).toEqual([]);
      expect(stubs.calls.filter((c) => c.capability === 'wms.order.intercept').length).toBeGreaterThanOrEqual(6);
    });
  });

  it('after pickup: refused as an after-sales return, nothing undone', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      await run.tracking(wf, 'picked_up');
      await run.waitFor(wf, LIFECYCLE_STATE.IN_TRANSIT);
      await expect(run.cancel(wf)).rejects.toMatchObject({ cause: { message: 'order is in_transit: cancelling after pickup is an after-sales return' } });
      await run.tracking(wf, 'delivered');
      expect((await run.result(wf)).state).toBe(LIFECYCLE_STATE.COMPLETED);
      expect(stubs.trace((c) => c.name === 'releaseInventory' || c.capability === 'waybill.cancel')).toEqual([]);
    });
  });

  it('the workflow itself cancelled (by an SRE): undoes what was done, then ends cancelled', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      await wf.cancel();
      const failure = await run.result(wf).then(
        () => null,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      expect(stubs.trace().slice(-3)).toEqual(undoAll(wf.workflowId));
    });
  });
});
