import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { adapterAnswer, causes, gated, LifecycleHarness, lifecycleInput, NANSHAN, rulesPass, stubActivities, type Address } from '../../tests/support/lifecycle-harness.js';
import { LIFECYCLE_STATE } from '../states.js';
import { ADDRESS_DEBOUNCE_MS } from './constants.js';

/**
 * Waybill and WMS on the time-skipping test server with stub activities: address changes at
 * every point of the parcel's life, and a WMS outage waited out under one push key.
 */
let h: LifecycleHarness;
beforeAll(async () => {
  h = await LifecycleHarness.start();
}, 120_000);
afterAll(async () => {
  await h?.teardown();
});

const newStreet: Address = { ...NANSHAN, detail: { ciphertext: '~ct~addr~2~', masked: '粤海街道***' } };
const futian: Address = { ...NANSHAN, district: '福田区', detail: { ciphertext: '~ct~addr~3~', masked: '福田街道***' } };
const byPlatform = (address: Address) => ({ address, source: 'platform' as const, actor: 'buyer' });

describe('address changes', () => {
  it('no waybill yet: the new address is used, the rules look at it again', async () => {
    const stubs = stubActivities({ checkOrderRules: (_i, n) => rulesPass(n === 1 ? { holds: [{ level: 2, code: 'order_frequency', reason: 'too many orders' }] } : {}) });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      await run.waitForHold(wf);
      const answer = await run.changeAddress(wf, byPlatform(futian));
      expect(answer).toEqual({ outcome: 'updated', waybillNo: null, carrier: null, superseded: false });
      expect(stubs.trace().slice(-2)).toEqual(['checkOrderRules', 'auditAddressChange']);
      expect(stubs.calls.at(-2)?.input).toMatchObject({ order: { address: futian } });
      expect(stubs.calls.at(-1)?.input).toMatchObject({ actor: 'buyer', source: 'platform', outcome: 'updated', reason: null, before: NANSHAN, after: futian });

      await run.decide(wf, { action: 'approve', actor: 'ops-1' });
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      expect(stubs.calls.find((c) => c.capability === 'waybill.create')).toMatchObject({ key: `${id}:waybill-1`, input: { input: { order: { address: futian } } } });
    });
  });

  it('inside the window, same district: the live waybill is overwritten and the WMS told again', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      const answer = await run.changeAddress(wf, byPlatform(newStreet));
      expect(answer).toEqual({ outcome: 'overwritten', waybillNo: 'SF1001', carrier: 'courier-sf', superseded: false });
      expect(stubs.trace().slice(-3)).toEqual([`invokeAdapter waybill.update ${id}:waybill-1:update-1`, `invokeAdapter wms.order.push ${id}:wms-2`, 'auditAddressChange']);
      expect(stubs.calls.find((c) => c.capability === 'waybill.update')?.input).toMatchObject({ connector: 'courier-sf', input: { orderId: 'CO-1', waybillNo: 'SF1001', order: { address: newStreet } } });
      expect(stubs.trace((c) => c.capability === 'waybill.cancel' || c.capability === 'waybill.create')).toHaveLength(1);
    });
  });

  it('inside the window, another district: the old waybill is cancelled and a new one issued (remote area: the EMS courier)', async () => {
    const stubs = stubActivities({ checkOrderRules: (_i, n) => rulesPass(n === 1 ? {} : { carrier: 'EMS' }) });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      const answer = await run.changeAddress(wf, byPlatform(futian));
      expect(answer).toEqual({ outcome: 'reissued', waybillNo: 'SF1002', carrier: 'courier-ems', superseded: false });
      expect(stubs.trace().slice(-5)).toEqual([
        `invokeAdapter waybill.cancel ${id}:waybill-1:cancel`,
        'checkOrderRules',
        `invokeAdapter waybill.create ${id}:waybill-2`,
        `invokeAdapter wms.order.push ${id}:wms-2`,
        'auditAddressChange',
      ]);
      expect(stubs.calls.find((c) => c.capability === 'waybill.cancel')?.input).toMatchObject({ connector: 'courier-sf', input: { orderId: 'CO-1', waybillNo: 'SF1001' } });
      expect(stubs.calls.filter((c) => c.capability === 'waybill.create').map((c) => (c.input as { connector: string }).connector)).toEqual(['courier-sf', 'courier-ems']);

      // The saga's one waybill compensation now undoes the re-issued waybill, not the old one.
      await run.cancel(wf);
      expect(stubs.trace((c) => c.capability === 'waybill.cancel')).toEqual([`invokeAdapter waybill.cancel ${id}:waybill-1:cancel`, `invokeAdapter waybill.cancel ${id}:waybill-2:cancel`]);
      expect(stubs.calls.filter((c) => c.capability === 'waybill.cancel').at(-1)?.input).toMatchObject({ connector: 'courier-ems', input: { orderId: 'CO-2', waybillNo: 'SF1002' } });
    });
  });

  it('a burst of changes becomes one: the last address wins, the earlier answer says it was superseded', async () => {
    // Both arrive while the WMS push runs, so both wait for the same gap between steps.
    const wms = gated('wms.order.push');
    const stubs = stubActivities({ invokeAdapter: wms.invokeAdapter });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      await wms.started;
      const first = await run.changeAddressAccepted(wf, byPlatform({ ...newStreet, postalCode: '518000' }));
      const second = await run.changeAddressAccepted(wf, byPlatform(newStreet));
      wms.open();
      await run.env.sleep(ADDRESS_DEBOUNCE_MS);
      expect(await first.result()).toMatchObject({ outcome: 'overwritten', superseded: true });
      expect(await second.result()).toMatchObject({ outcome: 'overwritten', superseded: false });
      expect(stubs.trace((c) => c.capability === 'waybill.update')).toEqual([`invokeAdapter waybill.update ${id}:waybill-1:update-2`]);
      expect((await run.state(wf)).order.address).toEqual(newStreet);
    });
  });

  it('outside the window: nothing is changed, a person reviews it', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      await run.env.sleep(31 * 60_000);
      const answer = await run.changeAddress(wf, byPlatform(futian));
      const reason = 'outside the 30-minute window after payment';
      expect(answer).toEqual({ outcome: 'needs_review', reason, waybillNo: 'SF1001', carrier: 'courier-sf', superseded: false });
      expect(stubs.trace().slice(-2)).toEqual(['requestDecision', 'auditAddressChange']);
      expect(stubs.calls.at(-2)?.input).toMatchObject({ reason: 'address_change_review', level: null, actions: ['approve'] });
      expect(stubs.calls.at(-1)?.input).toMatchObject({ outcome: 'needs_review', reason });
      expect(stubs.trace((c) => c.capability === 'waybill.update' || c.capability === 'waybill.cancel')).toEqual([]);
      expect((await run.state(wf)).order.address).toEqual(NANSHAN);
    });
  });

  it('after pickup: a person reviews it, and the review is cleared once delivered', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      await run.tracking(wf, 'picked_up');
      await run.waitFor(wf, LIFECYCLE_STATE.IN_TRANSIT);
      const answer = await run.changeAddress(wf, byPlatform(newStreet));
      expect(answer).toEqual({ outcome: 'needs_review', reason: 'the parcel has been picked up', waybillNo: 'SF1001', carrier: 'courier-sf', superseded: false });
      expect(stubs.trace().slice(-2)).toEqual(['requestDecision', 'auditAddressChange']);
      await run.tracking(wf, 'delivered');
      const end = await run.result(wf);
      expect(end.state).toBe(LIFECYCLE_STATE.COMPLETED);
      expect(stubs.trace().at(-1)).toBe('clearDecision');
      expect(stubs.trace((c) => c.capability === 'waybill.update' || c.capability === 'waybill.cancel')).toEqual([]);
    });
  });
});

describe('WMS outage', () => {
  it('waits it out: the push is retried under one key until the WMS answers, and the order goes on', async () => {
    const stubs = stubActivities({
      invokeAdapter: (req, n) => {
        if (req.capability === 'wms.order.push' && n <= 3) throw ApplicationFailure.retryable('WMS answers 503', 'Unavailable');
        return adapterAnswer(req);
      },
    });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      const s = await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      // Two tries within the activity's retries, then the server retries until the fourth succeeds.
      expect(stubs.trace((c) => c.capability === 'wms.order.push')).toEqual(Array<string>(4).fill(`invokeAdapter wms.order.push ${id}:wms-1`));
      expect(s.wmsFeedback).toBe('WMS-OK');
      expect(causes(s).some((c) => c.startsWith('WMS push: wms-1 unavailable (WMS answers 503)'))).toBe(true);
      expect(causes(s)).toContain('wms-1 reachable again: WMS push done');
    });
  });
});
