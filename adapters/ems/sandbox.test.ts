import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrackingResult } from '../_shared/tracking.js';
import { CreateWaybillOutput } from './operations/create-waybill.js';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { sandboxCtx, sandboxDeps } from '../../src/sandbox/testing.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import ems, { emsConfig } from './index.js';
import { sandbox, type EmsSandbox, type EmsSandboxOptions } from './sandbox.js';

const SENDER = { name: '杭州仓', mobile: '0571-88886666', province: '浙江省', city: '杭州市', district: '余杭区', detail: '仓前街道文一西路1号' };
const RECEIVER = { name: '~RECVNAMECIPHER~0~', mobile: '$138****5678$0$', province: '西藏自治区', city: '阿里地区', district: '噶尔县', detail: '~ADDRCIPHER~0~' };
const CREATE = { orderId: 'TB-2001', sender: SENDER, receiver: RECEIVER, cargo: [{ name: '饮水机', count: 1 }] };

let sb: EmsSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function setUp(opts: EmsSandboxOptions = {}, now?: () => Date): Promise<{ sb: EmsSandbox; adapter: AdapterInstance }> {
  sb = await sandbox.start({ delays: { pickupMs: null, deliveryMs: null }, ...opts });
  return { sb, adapter: await ems.create(emsConfig.parse(sb.connectorConfig()), sandboxDeps(now)) };
}

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('EMS sandbox (hub contract v1), driven by the real adapter', () => {
  it('create is idempotent by orderId, update overwrites, cancel twice is already cancelled', async () => {
    const { sb, adapter } = await setUp();
    const a = await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-1_waybill'));
    expect(a).toMatchObject({ orderId: 'wf-1_waybill', reused: false, filterResult: null });
    expect(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-1_waybill'))).toEqual({ ...CreateWaybillOutput.parse(a), reused: true });
    const { waybillNo } = CreateWaybillOutput.parse(a);
    // The same orderId for another parcel is a conflict, never a second waybill.
    const conflict = await failure(adapter.invoke('waybill.create', { ...CREATE, cargo: [{ name: '滤芯', count: 2 }] }, sandboxCtx('wf-1_waybill')));
    expect([conflict.code, conflict.retryable]).toEqual(['order_conflict', false]);

    await adapter.invoke('waybill.update', { orderId: 'wf-1_waybill', waybillNo, receiver: { ...RECEIVER, detail: '~NEW~0~' } }, sandboxCtx('u'));
    expect(sb.state().waybills.live[0]).toMatchObject({ updates: 1, receiver: expect.objectContaining({ detail: '~NEW~0~' }) });
    expect(await adapter.invoke('waybill.cancel', { orderId: 'wf-1_waybill', waybillNo }, sandboxCtx('c'))).toMatchObject({ alreadyCancelled: false });
    expect(await adapter.invoke('waybill.cancel', { orderId: 'wf-1_waybill', waybillNo }, sandboxCtx('c'))).toMatchObject({ alreadyCancelled: true });
    expect(sb.state().waybills.counts).toEqual({ live: 0, cancelled: 1 });
    expect(sb.log.events.map((e) => e.kind)).toEqual(['waybill.create', 'waybill.create', 'request.rejected', 'waybill.update', 'waybill.cancel']);
  });

  it('tracking is pulled: the courier advances the state after its delays and tracking.query sees it', async () => {
    const { sb, adapter } = await setUp({ delays: { pickupMs: 1, deliveryMs: 1 } });
    const { waybillNo } = CreateWaybillOutput.parse(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-2')));
    await vi.waitFor(() => expect(sb.state().waybills.live[0]?.stage).toBe('delivered'));
    const t = TrackingResult.parse(await adapter.invoke('tracking.query', { waybillNo }, sandboxCtx('q')));
    expect(t).toMatchObject({ carrier: 'ems', trackingNo: waybillNo, state: 'delivered', carrierState: 'delivered' });
    expect(t.events.map((e) => e.code)).toEqual(['collected', 'delivered']);
    expect(t.events[0]?.at).toMatch(/\+08:00$/);
  });

  it('by hand: pickup shows in tracking and blocks update and cancel with already_picked_up', async () => {
    const { sb, adapter } = await setUp();
    const { waybillNo } = CreateWaybillOutput.parse(await adapter.invoke('waybill.create', CREATE, sandboxCtx('wf-3')));
    expect(await adapter.invoke('tracking.query', { waybillNo }, sandboxCtx('q'))).toMatchObject({ state: 'none', events: [] });
    await sb.pickUp(waybillNo);
    expect(await adapter.invoke('tracking.query', { waybillNo }, sandboxCtx('q'))).toMatchObject({ state: 'picked_up' });
    for (const p of [adapter.invoke('waybill.cancel', { orderId: 'wf-3', waybillNo }, sandboxCtx('c')), adapter.invoke('waybill.update', { orderId: 'wf-3', waybillNo, receiver: RECEIVER }, sandboxCtx('u'))]) {
      const err = await failure(p);
      expect([err.code, err.retryable]).toEqual(['already_picked_up', false]);
    }
  });

  it('signature, timestamp and the contract’s error statuses', async () => {
    const { sb, adapter } = await setUp({ unserviceableProvinces: ['西藏自治区'] });
    const wrong = await ems.create(emsConfig.parse({ ...sb.connectorConfig(), secret: 'nope' }), sandboxDeps());
    expect(await failure(wrong.invoke('waybill.create', CREATE, sandboxCtx('x')))).toMatchObject({ code: 'bad_signature', retryable: false });
    const stale = await ems.create(emsConfig.parse(sb.connectorConfig()), sandboxDeps(() => new Date(Date.now() - 3_600_000)));
    expect(await failure(stale.invoke('waybill.create', CREATE, sandboxCtx('x')))).toMatchObject({ code: 'stale_timestamp' });
    expect(await failure(adapter.invoke('waybill.create', CREATE, sandboxCtx('x')))).toMatchObject({ code: 'not_serviceable', retryable: false });
    expect(await failure(adapter.invoke('tracking.query', { waybillNo: 'EM0CN' }, sandboxCtx('x')))).toMatchObject({ code: 'order_not_found' });
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect(await failure(adapter.invoke('tracking.query', { waybillNo: 'EM0CN' }, sandboxCtx('x')))).toMatchObject({ code: 'bad_signature' });
    sb.server.setFaults({ mode: SANDBOX_FAULT.RATE_LIMITED, remaining: 1 });
    expect(await failure(adapter.invoke('tracking.query', { waybillNo: 'EM0CN' }, sandboxCtx('x')))).toMatchObject({ code: expect.stringMatching(/^http_\d{3}$/), retryable: true });
    expect(sb.state().waybills.counts).toEqual({ live: 0, cancelled: 0 });
  });
});
