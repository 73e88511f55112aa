import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CreateWaybillOutput } from './operations/create-waybill.js';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { sandboxCtx, sandboxDeps, startHubStub, type HubStub } from '../../src/sandbox/testing.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import sf, { sfConfig } from './index.js';
import { parseRoutePush, SF_ROUTE_PUSH_ACK, SF_ROUTE_PUSH_NACK } from './route-push.js';
import { sandbox, SF_ROUTE_PUSH_PATH, type SfSandbox, type SfSandboxOptions } from './sandbox.js';

const SENDER = { name: '杭州仓', mobile: '0571-88886666', province: '浙江省', city: '杭州市', district: '余杭区', detail: '仓前街道文一西路1号' };
const RECEIVER = { name: '~RECVNAMECIPHER~0~', mobile: '$138****5678$0$', province: '河南省', city: null, district: '济源市', detail: '~ADDRCIPHER~0~' };
const CREATE = { orderId: 'TB-1001', sender: SENDER, receiver: RECEIVER, cargo: [{ name: '饮水机', count: 1 }] };

let sb: SfSandbox | undefined;
let hub: HubStub | undefined;
afterEach(async () => {
  await sb?.close();
  await hub?.close();
  sb = undefined;
  hub = undefined;
});

async function setUp(opts: SfSandboxOptions = {}): Promise<{ sb: SfSandbox; adapter: AdapterInstance }> {
  sb = await sandbox.start({ delays: { pickupMs: null, deliveryMs: null }, ...opts });
  const adapter = await sf.create(sfConfig.parse(sb.connectorConfig()), sandboxDeps());
  return { sb, adapter };
}

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('SF sandbox: the real adapter against it over HTTP', () => {
  it('create, address overwrite and cancel are kept with live/cancelled status', async () => {
    const { sb, adapter } = await setUp();
    const created = await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-1_waybill'));
    expect(created).toMatchObject({ orderId: 'wf-1_waybill', filterResult: 2, reused: false });
    const { waybillNo } = CreateWaybillOutput.parse(created);
    expect(sb.state().waybills.counts).toEqual({ live: 1, cancelled: 0 });

    const moved = { ...RECEIVER, detail: '~NEWADDRCIPHER~0~' };
    await adapter.invoke('waybill.update', { orderId: 'wf-1_waybill', waybillNo, receiver: moved }, sandboxCtx('wf-1_update'));
    expect(sb.state().waybills.live[0]).toMatchObject({ waybillNo, updates: 1, receiver: expect.objectContaining({ address: '~NEWADDRCIPHER~0~' }) });

    expect(await adapter.invoke('waybill.cancel', { orderId: 'wf-1_waybill', waybillNo }, sandboxCtx('wf-1_cancel'))).toEqual({ orderId: 'wf-1_waybill', cancelled: true, alreadyCancelled: false });
    // A retried cancel meets 8037, which the adapter reads as done.
    expect(await adapter.invoke('waybill.cancel', { orderId: 'wf-1_waybill', waybillNo }, sandboxCtx('wf-1_cancel'))).toMatchObject({ alreadyCancelled: true });
    const st = sb.state();
    expect(st.waybills.counts).toEqual({ live: 0, cancelled: 1 });
    expect(st.waybills.cancelled[0]).toMatchObject({ waybillNo, status: 'cancelled' });
    expect(sb.log.events.map((e) => e.kind)).toEqual(['waybill.create', 'waybill.update', 'waybill.cancel']);
  });

  it('the same idempotency key gets the first waybill back', async () => {
    const { sb, adapter } = await setUp();
    const a = await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-2_waybill'));
    const b = await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-2_waybill'));
    expect(b).toEqual(a);
    expect(sb.state().waybills.counts.live).toBe(1);
  });

  it('with SF answering 8016 to a reused orderId, the adapter finds the first waybill by order search', async () => {
    const { sb, adapter } = await setUp({ duplicate: 'error-8016' });
    const c = await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-3_waybill'));
    const d = await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-3_waybill'));
    expect(d).toEqual({ ...CreateWaybillOutput.parse(c), reused: true });
    expect(sb.state().waybills.counts.live).toBe(1);
  });

  it('checks msgDigest and partnerID, and answers in SF’s envelope codes', async () => {
    const { sb } = await setUp();
    const wrongKey = await sf.create(sfConfig.parse({ ...sb.connectorConfig(), checkword: 'not-the-checkword' }), sandboxDeps());
    const bad = await failure(wrongKey.invoke('waybill.create', CREATE, sandboxCtx('wf-4_waybill')));
    expect([bad.code, bad.retryable]).toEqual(['sf_A1006', false]);
    const wrongPartner = await sf.create(sfConfig.parse({ ...sb.connectorConfig(), partnerId: 'SOMEONE_ELSE' }), sandboxDeps());
    expect((await failure(wrongPartner.invoke('waybill.create', CREATE, sandboxCtx('wf-4_waybill')))).code).toBe('sf_A1004');
    expect(sb.state().waybills.counts.live).toBe(0);
    expect(sb.log.of('request.rejected').map((e) => z.object({ apiResultCode: z.string() }).parse(e.data).apiResultCode)).toEqual(['A1006', 'A1004']);
  });

  it('fault switches: bad signature, 5xx, malformed and a scripted busy answer reach the adapter as SF would send them', async () => {
    const { sb, adapter } = await setUp();
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect((await failure(adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-5')))).code).toBe('sf_A1006');
    sb.server.setFaults({ mode: SANDBOX_FAULT.SERVER_ERROR, remaining: 1 });
    const down = await failure(adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-5')));
    expect([down.code, down.retryable]).toEqual([expect.stringMatching(/^http_5\d\d$/), true]);
    sb.server.setFaults({ mode: SANDBOX_FAULT.MALFORMED, remaining: 1 });
    expect((await failure(adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-5')))).code).toBe('bad_response');
    sb.failNext('S0003', '系统繁忙', 'EXP_RECE_CREATE_ORDER');
    const busy = await failure(adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-5')));
    expect([busy.code, busy.retryable]).toEqual(['sf_S0003', true]);
    // Every fault was spent: the next attempt goes through.
    expect(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-5'))).toMatchObject({ reused: false });
    expect(sb.server.requestCount).toBe(5);
  });

  it('a hang is cut by the call deadline, retryable; a late answer to a create SF already took gives the same waybill on retry', async () => {
    sb = await sandbox.start();
    const box = sb;
    const adapter = await sf.create(sfConfig.parse({ ...box.connectorConfig(), timeoutMs: 200 }), sandboxDeps());
    box.server.setFaults({ mode: SANDBOX_FAULT.HANG, remaining: 1 });
    const hung = await failure(adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-9')));
    expect(hung.retryable).toBe(true);
    expect(box.state().waybills.counts.live).toBe(0);
    box.holdAnswers(600);
    const late = await failure(adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-9')));
    expect(late.retryable).toBe(true);
    box.holdAnswers(null);
    const first = box.state().waybills.live;
    expect(first).toHaveLength(1);
    expect(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-9'))).toMatchObject({ waybillNo: first[0]?.waybillNo });
    expect(box.state().waybills.counts.live).toBe(1);
  });

  it('an unserviceable province gets filterResult 3 and no waybill', async () => {
    const { sb, adapter } = await setUp({ unserviceableProvinces: ['河南省'] });
    expect((await failure(adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-6')))).code).toBe('not_serviceable');
    expect(sb.state().waybills.counts).toEqual({ live: 0, cancelled: 0 });
  });
});

describe('SF sandbox courier', () => {
  it('pushes pickup then delivery to the hub’s route receiver after the delays; the route query agrees', async () => {
    hub = await startHubStub();
    hub.answer(() => ({ status: 200, body: SF_ROUTE_PUSH_ACK }));
    const { sb, adapter } = await setUp({ push: { hubUrl: hub.url }, routePushToken: 'tok-1', delays: { pickupMs: 1, deliveryMs: 1 } });
    const { waybillNo } = CreateWaybillOutput.parse(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-7')));
    await vi.waitFor(() => expect(hub?.received).toHaveLength(2));
    await sb.idle();

    const parsed = hub.received.map((p) => {
      expect(p.path).toBe(`${SF_ROUTE_PUSH_PATH}/tok-1`);
      const r = parseRoutePush(p.body);
      if (!r.ok) throw new Error(r.reason);
      return r.records;
    });
    expect(parsed.flat().map((r) => [r.mailno, r.orderid, r.event])).toEqual([
      [waybillNo, 'wf-7', 'picked_up'],
      [waybillNo, 'wf-7', 'delivered'],
    ]);
    expect(new Set(parsed.flat().map((r) => r.messageId)).size).toBe(2);
    expect(await adapter.invoke('tracking.query', { waybillNo }, sandboxCtx('q'))).toMatchObject({ state: 'delivered', carrierState: '80' });
    expect(await adapter.invoke('tracking.query', { orderId: 'wf-7' }, sandboxCtx('q'))).toMatchObject({ trackingNo: waybillNo, state: 'delivered' });
    expect(sb.state().pushes).toEqual({ acknowledged: 2, failed: 0 });
    expect(sb.state().waybills.live[0]).toMatchObject({ stage: 'delivered' });
  });

  it('by hand: pickUp and deliver move the parcel once; a picked-up waybill cannot be cancelled (8252)', async () => {
    const { sb, adapter } = await setUp();
    const { waybillNo } = CreateWaybillOutput.parse(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-8')));
    expect(await adapter.invoke('tracking.query', { waybillNo }, sandboxCtx('q'))).toMatchObject({ state: 'none' });
    await sb.pickUp(waybillNo);
    await sb.pickUp(waybillNo);
    expect(await adapter.invoke('tracking.query', { waybillNo }, sandboxCtx('q'))).toMatchObject({ state: 'picked_up' });
    const refused = await failure(adapter.invoke('waybill.cancel', { orderId: 'wf-8', waybillNo }, sandboxCtx('c')));
    expect([refused.code, refused.retryable]).toEqual(['sf_8252', false]);
    await sb.deliver(waybillNo);
    expect(sb.log.count('courier.picked_up')).toBe(1);
    expect(sb.log.count('courier.delivered')).toBe(1);
    await sb.addRoute(waybillNo, { opCode: '33', acceptAddress: '济源市', remark: '派件异常' });
    expect(sb.state().routes[waybillNo]?.map((r) => r.opCode)).toEqual(['50', '80', '33']);
  });

  it('the courier never collects a cancelled waybill, by hand or by timer', async () => {
    const { sb, adapter } = await setUp({ delays: { pickupMs: 1, deliveryMs: 1 } });
    sb.setDelays({ pickupMs: 60_000 });
    const { waybillNo } = CreateWaybillOutput.parse(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-9')));
    await adapter.invoke('waybill.cancel', { orderId: 'wf-9', waybillNo }, sandboxCtx('c'));
    await expect(sb.pickUp(waybillNo)).rejects.toThrow(/cancelled/);
    await expect(sb.deliver('SF-NOPE')).rejects.toThrow(/no such waybill/);
    expect(sb.log.count('courier.picked_up')).toBe(0);
  });

  // Seen on the 2,000-order day: the hub answered 503 + Retry-After: 10 while its Redis restarted
  // (it cannot find the order then), the sandbox tried three times in one second and gave up, and
  // two parcels stayed in transit at the hub for ever though SF had delivered them.
  it('a push the hub asks to retry later is pushed again after its Retry-After, and lands', async () => {
    hub = await startHubStub();
    const back = Date.now() + 2_500;
    hub.answer(() => (Date.now() < back ? { status: 503, body: { error: 'redis_unavailable' }, headers: { 'retry-after': '2' } } : { status: 200, body: SF_ROUTE_PUSH_ACK }));
    const { sb, adapter } = await setUp({ push: { hubUrl: hub.url } });
    const { waybillNo } = CreateWaybillOutput.parse(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-11')));
    await sb.pickUp(waybillNo);
    expect(sb.state().pushes).toEqual({ acknowledged: 1, failed: 0 });
    expect(sb.log.of('route.push')[0]?.data).toMatchObject({ acknowledged: true, status: 200 });
  });

  it('a push the hub does not acknowledge is retried, then counted as failed', async () => {
    hub = await startHubStub();
    hub.answer(() => ({ status: 200, body: SF_ROUTE_PUSH_NACK }));
    const { sb, adapter } = await setUp({ push: { hubUrl: hub.url } });
    const { waybillNo } = CreateWaybillOutput.parse(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-10')));
    await sb.pickUp(waybillNo);
    expect(hub.received.length).toBe(3);
    expect(sb.state().pushes).toEqual({ acknowledged: 0, failed: 1 });
    expect(sb.log.of('route.push')[0]?.data).toMatchObject({ acknowledged: false, attempts: 3, status: 200 });
  });
});
