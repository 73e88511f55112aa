import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sf, { sfConfig } from '../adapters/sf-express/index.js';
import { CreateWaybillOutput } from '../adapters/sf-express/operations/create-waybill.js';
import { parseRoutePush } from '../adapters/sf-express/route-push.js';
import { SfTransport } from '../adapters/sf-express/transport.js';
import { createLogger } from '../src/logger.js';
import type { AdapterInstance, InvokeContext } from '../src/sdk/define.js';
import { AdapterError } from '../src/sdk/errors.js';
import { sfRoutePushBody, sfTime, startFakeSf, type FakeSf } from './support/fake-sf.js';

/**
 * The fake SF gateway and the adapter speak the same protocol: the real adapter, over a real
 * socket, against tests/support/fake-sf.ts. The lifecycle tests rely on this fake, so what it
 * does here (digest check, one waybill per orderId, update/cancel/routes) is what they get.
 */
const CHECKWORD = 'fake-sf-checkword';
const logger = createLogger({ level: 'silent' });
const deps = { logger, fetch: (...a: Parameters<typeof fetch>) => globalThis.fetch(...a), mappings: null, now: () => new Date() };
const ctx = (idempotencyKey: string, signal = new AbortController().signal): InvokeContext => ({ signal, idempotencyKey, logger, heartbeat() {} });

const PARTY = { mobile: '13800000000', province: '浙江省', city: '杭州市', district: '余杭区' };
const createInput = (receiverProvince = '广东省') => ({
  orderId: 'TB-1',
  sender: { ...PARTY, name: '仓库', detail: '文一西路1号' },
  receiver: { ...PARTY, name: '~CIPHER~0~', province: receiverProvince, city: '深圳市', district: '南山区', detail: '科技园路1号 12楼' },
  cargo: [{ name: '饮水机', count: 1 }],
  remark: 'Gift: water fountain filter x1',
});

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('fake SF gateway <-> SF adapter over a real socket', () => {
  let fake: FakeSf;
  let sfInst: AdapterInstance;
  beforeAll(async () => {
    fake = await startFakeSf({ checkword: CHECKWORD, partnerId: 'ZS', unserviceableProvinces: ['西藏自治区'] });
    sfInst = await sf.create(sfConfig.parse({ url: fake.url, partnerId: 'ZS', checkword: CHECKWORD, monthlyCard: '7551234567', timeoutMs: 3_000 }), deps);
  });
  afterAll(async () => {
    await sfInst.close();
    await fake.close();
  });

  it('create twice with the same idempotency key = one waybill; counts every request by serviceCode', async () => {
    const before = fake.count('EXP_RECE_CREATE_ORDER');
    const a = await sfInst.invoke('waybill.create', createInput(), ctx('wf-A_waybill'));
    const b = await sfInst.invoke('waybill.create', createInput(), ctx('wf-A_waybill'));
    expect(a).toEqual(b);
    expect(a).toMatchObject({ orderId: 'wf-A_waybill', filterResult: 2, waybillNo: expect.stringMatching(/^SF\d{13}$/) });
    expect(fake.count('EXP_RECE_CREATE_ORDER') - before).toBe(2);
    expect(fake.orders.size).toBe(1);
    expect(fake.requests.every((r) => r.digestOk)).toBe(true);
    const other = CreateWaybillOutput.parse(await sfInst.invoke('waybill.create', createInput(), ctx('wf-B_waybill')));
    expect(other.waybillNo).not.toBe(CreateWaybillOutput.parse(a).waybillNo);
    expect(fake.orders.size).toBe(2);
  });

  it('update overwrites the receiver, cancel cancels, a second cancel is still success', async () => {
    const { orderId, waybillNo } = CreateWaybillOutput.parse(await sfInst.invoke('waybill.create', createInput(), ctx('wf-C_waybill')));
    const newReceiver = { ...createInput().receiver, detail: '科技园路1号 15楼' };
    expect(await sfInst.invoke('waybill.update', { orderId, waybillNo, receiver: newReceiver }, ctx('wf-C_update'))).toEqual({ orderId, waybillNo, updated: true });
    expect(fake.orders.get(orderId)).toMatchObject({ updates: 1, receiver: expect.objectContaining({ address: '科技园路1号 15楼' }) });
    expect(await sfInst.invoke('waybill.cancel', { orderId, waybillNo }, ctx('wf-C_cancel'))).toEqual({ orderId, cancelled: true, alreadyCancelled: false });
    expect(await sfInst.invoke('waybill.cancel', { orderId, waybillNo }, ctx('wf-C_cancel'))).toEqual({ orderId, cancelled: true, alreadyCancelled: true });
    expect(fake.orders.get(orderId)?.cancelled).toBe(true);
  });

  it('routes added to the fake come back as canonical tracking, and a push body parses', async () => {
    const { waybillNo } = CreateWaybillOutput.parse(await sfInst.invoke('waybill.create', createInput(), ctx('wf-D_waybill')));
    fake.addRoute(waybillNo, { opCode: '50', acceptTime: sfTime(new Date('2024-06-01T10:00:00Z')), acceptAddress: '杭州市', remark: '已收取快件' });
    expect(await sfInst.invoke('tracking.query', { waybillNo }, ctx('wf-D_track'))).toMatchObject({ trackingNo: waybillNo, state: 'picked_up', events: [{ at: '2024-06-01T18:00:00+08:00', code: '50' }] });
    fake.addRoute(waybillNo, { opCode: '80', acceptTime: sfTime(new Date('2024-06-02T02:00:00Z')), acceptAddress: '深圳市', remark: '已签收' });
    expect(await sfInst.invoke('tracking.query', { orderId: 'wf-D_waybill' }, ctx('wf-D_track2'))).toMatchObject({ trackingNo: waybillNo, state: 'delivered' });
    const push = parseRoutePush(sfRoutePushBody([{ mailno: waybillNo, orderid: 'wf-D_waybill', opCode: '80', acceptTime: '2024-06-02 10:00:00' }]));
    expect(push.ok && push.records.map((r) => [r.mailno, r.event])).toEqual([[waybillNo, 'delivered']]);
  });

  it('an unserviceable address is rejected', async () => {
    const err = await failure(sfInst.invoke('waybill.create', createInput('西藏自治区'), ctx('wf-E_waybill')));
    expect([err.code, err.retryable]).toEqual(['not_serviceable', false]);
  });

  it('a wrong checkword gets A1006 (the gateway’s 401), rejected', async () => {
    const bad = new SfTransport({ url: fake.url, partnerId: 'ZS', checkword: 'wrong', timeoutMs: 3_000, fetch: deps.fetch, logger, now: () => new Date() });
    const err = await failure(bad.callOk('EXP_RECE_SEARCH_ROUTES', { trackingType: '1', trackingNumber: ['SF1'] }, ctx('x')));
    expect([err.code, err.retryable]).toEqual(['sf_A1006', false]);
    expect(fake.requests.at(-1)).toMatchObject({ digestOk: false, answer: 'A1006' });
  });

  it('busy and down are retryable; slow is cut by the AbortSignal', async () => {
    try {
      fake.setMode('busy');
      expect(await failure(sfInst.invoke('waybill.create', createInput(), ctx('wf-F_waybill')))).toMatchObject({ code: 'sf_S0003', retryable: true });
      fake.setMode('down');
      expect(await failure(sfInst.invoke('waybill.create', createInput(), ctx('wf-F_waybill')))).toMatchObject({ code: 'http', retryable: true });
      fake.setMode('slow', { delayMs: 5_000 });
      const ctrl = new AbortController();
      const started = Date.now();
      setTimeout(() => ctrl.abort(), 150);
      expect(await failure(sfInst.invoke('tracking.query', { waybillNo: 'SF1' }, ctx('wf-F_track', ctrl.signal)))).toMatchObject({ code: 'aborted', retryable: true });
      // Cut well before the fake's 5 s answer (the margin is for a loaded machine, not a speed target).
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      fake.setMode('ok');
    }
    // After the outage the same key still yields exactly one waybill.
    await sfInst.invoke('waybill.create', createInput(), ctx('wf-F_waybill'));
    await sfInst.invoke('waybill.create', createInput(), ctx('wf-F_waybill'));
    expect([...fake.orders.keys()].filter((k) => k === 'wf-F_waybill')).toHaveLength(1);
  });

  it('the 8016 variant: a repeated create resolves to the first waybill through the order query', async () => {
    const strict = await startFakeSf({ checkword: CHECKWORD, duplicate: 'error-8016' });
    try {
      const inst = await sf.create(sfConfig.parse({ url: strict.url, partnerId: 'ZS', checkword: CHECKWORD }), deps);
      const a = CreateWaybillOutput.parse(await inst.invoke('waybill.create', createInput(), ctx('wf-G_waybill')));
      const b = await inst.invoke('waybill.create', createInput(), ctx('wf-G_waybill'));
      expect(a.reused).toBe(false);
      expect(b).toEqual({ ...a, reused: true });
      expect(strict.counts()).toEqual({ EXP_RECE_CREATE_ORDER: 2, EXP_RECE_SEARCH_ORDER_RESP: 1 });
    } finally {
      await strict.close();
    }
  });
});
