import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseHarness, caseInput, caseSettings, caseStubs, type CaseHandle } from '../../tests/support/after-sales-harness.js';
import { CASE_STATE, CASE_TYPE, PLATFORM_CASE_STATUS } from './constants.js';
import { addCaseNote, caseMessage, changeCaseState, getCaseState, resolveCase, returnReceived } from './definitions.js';
import type { CaseMessage, CaseSnapshot } from './types.js';

/**
 * The after-sales case on the time-skipping test server: its state machine (platform messages,
 * people, the warehouse), closing only on completion, and the SLA escalation firing once per
 * period without progress.
 */
let h: CaseHarness;
beforeAll(async () => {
  h = await CaseHarness.start();
}, 120_000);
afterAll(async () => {
  await h?.teardown();
});

const msg = (id: string, status: CaseMessage['status'], tag: string): CaseMessage => ({ messageId: id, status, platformStatus: `tag ${tag}`, at: '2026-12-05T11:00:00+08:00' });
const states = (c: CaseSnapshot) => c.timeline.filter((t) => t.kind === 'state').map((t) => t.state);

/** Ends a case a test left open, so its SLA timers never move the next test's clock. */
async function finish(wf: CaseHandle): Promise<void> {
  const s = await wf.query(getCaseState);
  if (s.state !== CASE_STATE.CLOSED) await wf.executeUpdate(resolveCase, { args: [{ reason: 'test over', actor: 'harness' }] });
  await wf.result();
}

describe('afterSalesCase state machine', () => {
  it('numbers and assigns the case, follows the platform, restocks the return once, and closes when the refund is done', async () => {
    const stubs = caseStubs();
    h.use(stubs);
    const input = caseInput();
    const wf = await h.start(input);
    const opened = await h.until(wf, (s) => s.caseNumber !== null && s.assignee !== null, 'numbered and assigned');
    expect(opened).toMatchObject({ caseNumber: 'AS-20261205-0001', state: CASE_STATE.OPEN, assignee: { kind: 'team', id: 'cs-team' }, type: CASE_TYPE.RETURN_AND_REFUND });

    await wf.signal(caseMessage, msg('m-201', PLATFORM_CASE_STATUS.AGREED, '201'));
    await wf.signal(caseMessage, msg('m-202', PLATFORM_CASE_STATUS.AWAITING_RETURN, '202'));
    const waiting = await h.until(wf, (s) => s.state === CASE_STATE.AWAITING_RETURN, 'awaiting_return');
    // A redelivered push (same message id, or the opening one again) changes nothing.
    await wf.signal(caseMessage, msg('m-202', PLATFORM_CASE_STATUS.AWAITING_RETURN, '202'));
    await wf.signal(caseMessage, input.first);
    await wf.executeUpdate(addCaseNote, { args: [{ text: 'buyer called', actor: 'cs-1' }] });
    const after = await wf.query(getCaseState);
    expect(after.timeline.length).toBe(waiting.timeline.length + 1);

    // The warehouse reports the goods twice at once: restocked exactly once.
    const [a, b] = await Promise.all([wf.executeUpdate(returnReceived, { args: [{ actor: 'wh-1' }] }), wf.executeUpdate(returnReceived, { args: [{ actor: 'wh-2' }] })]);
    expect(a.state).toBe(CASE_STATE.RETURN_RECEIVED);
    expect(b.state).toBe(CASE_STATE.RETURN_RECEIVED);
    await wf.executeUpdate(returnReceived, { args: [{ actor: 'wh-3' }] });
    expect(stubs.names('restockReturn')).toHaveLength(1);
    expect(stubs.names('restockReturn')[0]?.input).toMatchObject({ restockKey: `${input.caseKey}:return`, warehouse: 'WH1', lines: [{ lineId: 'L1', sku: 'SKU-1', qty: 2 }], disposition: 'restock' });

    await wf.signal(caseMessage, { ...msg('m-206', PLATFORM_CASE_STATUS.REFUNDED, '206'), refund: { minor: 19_900, currency: 'CNY' } });
    const end = await wf.result();
    expect(end.state).toBe(CASE_STATE.CLOSED);
    expect(states(end)).toEqual(['open', 'in_progress', 'awaiting_return', 'return_received', 'refunded', 'closed']);
    expect(end.closeReason).toBe('refund done on the platform');
    // The read model saw the closed case last.
    expect(stubs.names('saveCase').at(-1)?.input).toMatchObject({ summary: { state: CASE_STATE.CLOSED } });
    expect(stubs.names('allocateCaseNumber')).toHaveLength(1);
  });

  it('records the refund paid out in the order store once, with the platform amount, time and lines, before the case ends', async () => {
    const stubs = caseStubs();
    h.use(stubs);
    const input = caseInput({ orderKey: 'tb-main:T900', type: CASE_TYPE.REFUND_ONLY, lines: [{ lineId: 'O901', sku: null, qty: 0 }], amount: { minor: 5_000, currency: 'CNY' } });
    const wf = await h.start(input);
    await h.until(wf, (s) => s.caseNumber !== null, 'numbered');
    const paid = { ...msg('m-refunded', PLATFORM_CASE_STATUS.REFUNDED, 'SUCCESS'), at: '2026-11-30T23:30:00+08:00', refund: { minor: 4_800, currency: 'CNY' } };
    await wf.signal(caseMessage, paid);
    await wf.signal(caseMessage, { ...paid, messageId: 'm-refunded-again' });
    const end = await wf.result();
    expect(end.state).toBe(CASE_STATE.CLOSED);
    expect(stubs.names('recordOrderRefund').map((c) => c.input)).toEqual([
      { workflowId: 'order:tb-main:T900', caseKey: input.caseKey, platformCaseId: input.platformCaseId, lineIds: ['O901'], amount: { minor: 4_800, currency: 'CNY' }, refundedAt: '2026-11-30T23:30:00+08:00' },
    ]);
  });

  it('records no refund for a case without an order', async () => {
    const stubs = caseStubs();
    h.use(stubs);
    const wf = await h.start(caseInput({ type: CASE_TYPE.REFUND_ONLY }));
    await wf.signal(caseMessage, { ...msg('m-refunded', PLATFORM_CASE_STATUS.REFUNDED, 'SUCCESS'), refund: { minor: 19_900, currency: 'CNY' } });
    expect((await wf.result()).state).toBe(CASE_STATE.CLOSED);
    expect(stubs.names('recordOrderRefund')).toHaveLength(0);
  });

  it('assigns by the rules: a large Douyin return goes to the named person', async () => {
    const stubs = caseStubs();
    h.use(stubs);
    const wf = await h.start(caseInput({ amount: { minor: 60_000, currency: 'CNY' } }));
    const s = await h.until(wf, (x) => x.assignee !== null, 'assigned');
    expect(s.assignee).toEqual({ kind: 'person', id: 'senior-li' });
    await finish(wf);
  });

  it('a refund reported before the goods are back waits for the return, then closes', async () => {
    const stubs = caseStubs();
    h.use(stubs);
    const wf = await h.start(caseInput());
    await wf.signal(caseMessage, msg('m-202', PLATFORM_CASE_STATUS.AWAITING_RETURN, '202'));
    await wf.signal(caseMessage, msg('m-206', PLATFORM_CASE_STATUS.REFUNDED, '206'));
    const s = await h.until(wf, (x) => x.refundDone, 'refund noted');
    expect(s.state).toBe(CASE_STATE.AWAITING_RETURN);
    await wf.executeUpdate(returnReceived, { args: [{ actor: 'wh-1' }] });
    const end = await wf.result();
    expect(states(end)).toEqual(['open', 'awaiting_return', 'return_received', 'refunded', 'closed']);
  });

  it('closes only on completion: never by a state change, never without a reason', async () => {
    const stubs = caseStubs();
    h.use(stubs);
    const wf = await h.start(caseInput({ type: CASE_TYPE.COMPLAINT }));
    await h.until(wf, (x) => x.caseNumber !== null, 'numbered');
    await expect(wf.executeUpdate(changeCaseState, { args: [{ state: CASE_STATE.CLOSED, actor: 'cs-1' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/^state: closed is not set by hand/), type: 'InvalidCaseTransition' } });
    await expect(wf.executeUpdate(changeCaseState, { args: [{ state: CASE_STATE.REFUNDED, actor: 'cs-1' }] })).rejects.toMatchObject({ cause: { type: 'InvalidCaseTransition' } });
    await expect(wf.executeUpdate(resolveCase, { args: [{ reason: '  ', actor: 'cs-1' }] })).rejects.toMatchObject({ cause: { message: 'reason: closing a case needs a reason', type: 'CloseReasonRequired' } });
    const moved = await wf.executeUpdate(changeCaseState, { args: [{ state: CASE_STATE.IN_PROGRESS, actor: 'cs-1', note: 'called the buyer' }] });
    expect(moved.state).toBe(CASE_STATE.IN_PROGRESS);
    await wf.executeUpdate(resolveCase, { args: [{ reason: 'apology and a coupon', actor: 'cs-1' }] });
    const end = await wf.result();
    expect(states(end)).toEqual(['open', 'in_progress', 'resolved', 'closed']);
    expect(end.closeReason).toBe('apology and a coupon');
    await expect(wf.executeUpdate(addCaseNote, { args: [{ text: 'late', actor: 'cs-1' }] })).rejects.toThrow();
  });

  it('a platform that closes the after-sale (withdrawn) resolves and closes the case with its word', async () => {
    const stubs = caseStubs();
    h.use(stubs);
    const wf = await h.start(caseInput());
    await wf.signal(caseMessage, msg('m-207', PLATFORM_CASE_STATUS.CLOSED, '207'));
    const end = await wf.result();
    expect(states(end)).toEqual(['open', 'resolved', 'closed']);
    expect(end.closeReason).toBe('platform: after-sale closed (tag 207)');
  });

  it('a return with no SKU to restock is refused, naming the field', async () => {
    const stubs = caseStubs();
    h.use(stubs);
    const wf = await h.start(caseInput({ lines: [{ lineId: 'L9', sku: null, qty: 1 }] }));
    await h.until(wf, (x) => x.caseNumber !== null, 'numbered');
    await expect(wf.executeUpdate(returnReceived, { args: [{ actor: 'wh-1' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/^lines: /), type: 'NothingToRestock' } });
    const s = await wf.executeUpdate(returnReceived, { args: [{ actor: 'wh-1', lines: [{ lineId: 'L9', sku: 'SKU-9', qty: 1 }] }] });
    expect(s.state).toBe(CASE_STATE.RETURN_RECEIVED);
    expect(stubs.names('restockReturn')[0]?.input).toMatchObject({ lines: [{ lineId: 'L9', sku: 'SKU-9', qty: 1 }] });
    await finish(wf);
  });
});

describe('SLA escalation', () => {
  it('escalates once per period without progress, up the supervisor chain, with one notice each', async () => {
    const stubs = caseStubs(caseSettings({ slaHours: 48 }));
    h.use(stubs);
    const wf = await h.start(caseInput());
    await h.until(wf, (x) => x.assignee !== null, 'assigned');
    await h.env.sleep('47 hours');
    expect((await wf.query(getCaseState)).escalations).toHaveLength(0);
    await h.env.sleep('2 hours');
    const first = await h.until(wf, (x) => x.escalations.length === 1 && x.escalations[0]?.notified === true, 'first escalation');
    expect(first.escalations[0]).toMatchObject({ n: 1, to: 'lead-wang', notified: true });
    expect(first.timeline.filter((t) => t.kind === 'escalated')).toHaveLength(1);

    await h.env.sleep('46 hours');
    expect((await wf.query(getCaseState)).escalations).toHaveLength(1);
    await h.env.sleep('3 hours');
    const second = await h.until(wf, (x) => x.escalations.length === 2 && x.escalations[1]?.notified === true, 'second escalation');
    expect(second.escalations[1]).toMatchObject({ n: 2, to: 'director-zhao' });
    const notices = stubs.names('invokeAdapter');
    expect(notices.map((c) => c.name)).toEqual([`invokeAdapter alert.send ${wf.workflowId}:sla-escalation-1`, `invokeAdapter alert.send ${wf.workflowId}:sla-escalation-2`]);
    expect(notices[0]?.input).toMatchObject({ connector: 'wecom-ops', input: { title: expect.stringContaining('AS-20261205-0001'), severity: 'warning' } });
    await finish(wf);
  });

  it('progress restarts the clock: a note within the period means no escalation at 48 h', async () => {
    const stubs = caseStubs(caseSettings({ slaHours: 48 }));
    h.use(stubs);
    const wf = await h.start(caseInput());
    await h.until(wf, (x) => x.assignee !== null, 'assigned');
    await h.env.sleep('30 hours');
    await wf.executeUpdate(addCaseNote, { args: [{ text: 'waiting for photos', actor: 'cs-1' }] });
    await h.env.sleep('30 hours');
    expect((await wf.query(getCaseState)).escalations).toHaveLength(0);
    await h.env.sleep('20 hours');
    const s = await h.until(wf, (x) => x.escalations.length === 1, 'escalation after 48 h from the note');
    expect(s.escalations[0]).toMatchObject({ n: 1, to: 'lead-wang' });
    expect(stubs.names('invokeAdapter')).toHaveLength(1);
    await finish(wf);
  });
});
