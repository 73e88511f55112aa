import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useSfGateway } from '../msw-gateway.test-helper.js';
import { TrackingResult } from '../../_shared/tracking.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { sfOk, testCtx, testTransport } from '../testing.js';
import { queryTracking, sfState } from './query-tracking.js';

const { seen, reply } = useSfGateway();

const ROUTES = [
  // SF's order is not guaranteed: the adapter sorts by time.
  { acceptTime: '2024-06-02 08:10:00', acceptAddress: '深圳市', remark: '快件到达 【深圳南山集散点】', opCode: '31' },
  { acceptTime: '2024-6-1 18:05:00', acceptAddress: '杭州市', remark: '顺丰速运 已收取快件', opCode: '50' },
];

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('tracking.query (EXP_RECE_SEARCH_ROUTES)', () => {
  it('queries by waybill and maps routes to the canonical result, oldest first', async () => {
    reply(() => HttpResponse.json(sfOk({ routeResps: [{ mailNo: 'SF001', routes: ROUTES }] })));
    const out = await queryTracking(testTransport(), { waybillNo: 'SF001' }, testCtx());
    expect(seen[0]?.msgData).toEqual({ language: '0', trackingType: '1', trackingNumber: ['SF001'], methodType: '1' });
    expect(TrackingResult.parse(out)).toEqual({
      carrier: 'sf-express',
      trackingNo: 'SF001',
      state: 'in_transit',
      carrierState: '31',
      events: [
        { at: '2024-06-01T18:05:00+08:00', location: '杭州市', description: '顺丰速运 已收取快件', code: '50' },
        { at: '2024-06-02T08:10:00+08:00', location: '深圳市', description: '快件到达 【深圳南山集散点】', code: '31' },
      ],
    });
  });

  it('queries by SF orderId with trackingType 2', async () => {
    reply(() => HttpResponse.json(sfOk({ routeResps: [{ mailNo: 'SF001', orderId: 'wf-1_waybill', routes: [{ acceptTime: '2024-06-03 10:00:00', acceptAddress: '深圳市', remark: '已签收', opCode: 80 }] }] })));
    const out = await queryTracking(testTransport(), { orderId: 'wf-1_waybill' }, testCtx());
    expect(seen[0]?.msgData).toMatchObject({ trackingType: '2', trackingNumber: ['wf-1_waybill'] });
    expect([out.trackingNo, out.state, out.carrierState]).toEqual(['SF001', 'delivered', '80']);
  });

  it('no routes yet -> state none', async () => {
    reply(() => HttpResponse.json(sfOk({ routeResps: [{ mailNo: 'SF001', routes: [] }] })));
    expect(await queryTracking(testTransport(), { waybillNo: 'SF001' }, testCtx())).toMatchObject({ state: 'none', events: [], carrierState: null });
  });

  it('a route time SF never sends is rejected, not guessed', async () => {
    reply(() => HttpResponse.json(sfOk({ routeResps: [{ mailNo: 'SF001', routes: [{ acceptTime: '1717236300', opCode: '50' }] }] })));
    const err = await failure(queryTracking(testTransport(), { waybillNo: 'SF001' }, testCtx()));
    expect([err.code, err.retryable]).toEqual(['bad_response', false]);
  });
});

describe('sfState', () => {
  const ev = (code: string) => ({ at: '2024-06-01T00:00:00+08:00', location: null, description: '', code });
  it('picked up, in transit, delivered, problem', () => {
    expect(sfState([])).toBe('none');
    expect(sfState([ev('50')])).toBe('picked_up');
    expect(sfState([ev('50'), ev('30')])).toBe('in_transit');
    expect(sfState([ev('50'), ev('70')])).toBe('problem');
    expect(sfState([ev('50'), ev('70'), ev('80')])).toBe('delivered');
  });
});
