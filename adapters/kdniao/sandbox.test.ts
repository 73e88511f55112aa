import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrackingResult } from '../_shared/tracking.js';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { sandboxCtx, sandboxDeps } from '../../src/sandbox/testing.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import kdniao, { kdniaoConfig } from './index.js';
import { sandbox, type KdniaoSandbox, type KdniaoSandboxOptions } from './sandbox.js';

let sb: KdniaoSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function setUp(opts: KdniaoSandboxOptions = {}, requestType: '1002' | '8001' = '1002'): Promise<{ sb: KdniaoSandbox; adapter: AdapterInstance }> {
  sb = await sandbox.start({ delays: { pickupMs: null, deliveryMs: null }, ...opts });
  return { sb, adapter: await kdniao.create(kdniaoConfig.parse({ ...sb.connectorConfig(), requestType }), sandboxDeps()) };
}

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

const Q = { shipperCode: 'YTO', logisticCode: 'YT7000000000001' };

describe('KDNiao sandbox, driven by the real adapter', () => {
  it('an unknown parcel has no trace yet; a tracked one moves to picked up and signed after the delays', async () => {
    const { sb, adapter } = await setUp({ delays: { pickupMs: 1, deliveryMs: 1 } });
    expect(await adapter.invoke('tracking.query', Q, sandboxCtx('q'))).toMatchObject({ carrier: 'kdniao/YTO', state: 'none', carrierState: '0', events: [] });
    sb.track('YTO', Q.logisticCode);
    await vi.waitFor(() => expect(sb.state().waybills.live[0]?.stage).toBe('delivered'));
    const out = TrackingResult.parse(await adapter.invoke('tracking.query', Q, sandboxCtx('q')));
    expect(out).toMatchObject({ trackingNo: Q.logisticCode, state: 'delivered', carrierState: '3' });
    expect(out.events.map((e) => [e.description, e.code])).toEqual([
      ['快件已揽收', null],
      ['已签收，签收人凭取货码签收', null],
    ]);
    expect(sb.state().queries).toBe(2);
  });

  it('8001 enhanced adds StateEx, Location and Action; by hand the parcel stops at picked up', async () => {
    const { sb, adapter } = await setUp({}, '8001');
    sb.track('SF', 'SF1400000000001');
    await sb.pickUp('SF1400000000001');
    expect(await adapter.invoke('tracking.query', { shipperCode: 'SF', logisticCode: 'SF1400000000001', customerName: '5678' }, sandboxCtx('q'))).toMatchObject({
      state: 'picked_up',
      carrierState: '1/1',
      events: [{ location: '杭州市', code: '1' }],
    });
    expect(sb.log.of('tracking.query')[0]?.data).toMatchObject({ requestType: '8001', shipperCode: 'SF', known: true });
  });

  it('a problem parcel answers State 4 with its trace; delivery clears it', async () => {
    const { sb, adapter } = await setUp({}, '8001');
    expect(() => sb.problem('EMS1')).toThrow('not picked up');
    sb.track('EMS', 'EMS1');
    await sb.pickUp('EMS1');
    sb.problem('EMS1', 404, '收件人拒收');
    expect(await adapter.invoke('tracking.query', { shipperCode: 'EMS', logisticCode: 'EMS1' }, sandboxCtx('q'))).toMatchObject({ state: 'problem', carrierState: '4/404', events: [{ code: '1' }, { description: '收件人拒收', code: '404' }] });
    await sb.deliver('EMS1');
    expect(await adapter.invoke('tracking.query', { shipperCode: 'EMS', logisticCode: 'EMS1' }, sandboxCtx('q'))).toMatchObject({ state: 'delivered', carrierState: '3/301' });
  });
  it('a wrong AppKey or EBusinessID gets Success:false, which the adapter rejects with the Reason', async () => {
    const { sb } = await setUp();
    const wrongKey = await kdniao.create(kdniaoConfig.parse({ ...sb.connectorConfig(), appKey: 'other' }), sandboxDeps());
    const bad = await failure(wrongKey.invoke('tracking.query', Q, sandboxCtx('q')));
    expect([bad.code, bad.retryable]).toEqual(['query_failed', false]);
    expect(bad.message).toContain('签名');
    const wrongId = await kdniao.create(kdniaoConfig.parse({ ...sb.connectorConfig(), eBusinessId: '42' }), sandboxDeps());
    expect((await failure(wrongId.invoke('tracking.query', Q, sandboxCtx('q')))).message).toContain('用户ID');
    expect(sb.state().queries).toBe(0);
  });

  it('fault switches reach the adapter: forced bad sign, 5xx', async () => {
    const { sb, adapter } = await setUp();
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect((await failure(adapter.invoke('tracking.query', Q, sandboxCtx('q')))).code).toBe('query_failed');
    sb.server.setFaults({ mode: SANDBOX_FAULT.SERVER_ERROR, status: 502, remaining: 1 });
    expect(await failure(adapter.invoke('tracking.query', Q, sandboxCtx('q')))).toMatchObject({ code: 'http_502', retryable: true });
    expect(await adapter.invoke('tracking.query', Q, sandboxCtx('q'))).toMatchObject({ state: 'none' });
  });
});
