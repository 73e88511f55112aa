import { describe, expect, it } from 'vitest';
import { kdniaoPushAck, parseKdniaoPush } from './push.js';
import { formEncode, kdniaoDataSign } from './transport.js';

const KEY = 'push-app-key';
const form = (data: unknown, type = '101', sign?: string) => {
  const rd = typeof data === 'string' ? data : JSON.stringify(data);
  return `RequestData=${formEncode(rd)}&EBusinessID=1&RequestType=${type}&DataSign=${sign ?? kdniaoDataSign(rd, KEY)}&DataType=2`;
};
const ONE = { EBusinessID: '1', Count: 1, Data: [{ ShipperCode: 'EMS', LogisticCode: 'E1', Success: true, State: '4', StateEx: 405, Traces: [{ AcceptTime: '2026-12-06 9:05:00', AcceptStation: '派件异常' }] }] };

describe('KDNiao track push', () => {
  it('maps a signed push to canonical tracking results', () => {
    expect(parseKdniaoPush(form(ONE), KEY)).toEqual({
      ok: true,
      eBusinessId: '1',
      records: [{ carrier: 'kdniao/EMS', trackingNo: 'E1', state: 'problem', carrierState: '4/405', events: [{ at: '2026-12-06T09:05:00+08:00', location: null, description: '派件异常', code: null }] }],
    });
  });
  it('names what is wrong: signature, request type, JSON, field, trace time', () => {
    expect(parseKdniaoPush(form(ONE, '101', 'eA=='), KEY)).toEqual({ ok: false, reason: 'DataSign: does not match' });
    expect(parseKdniaoPush(form(ONE, '1002'), KEY)).toMatchObject({ ok: false, reason: expect.stringContaining('RequestType: 1002') });
    expect(parseKdniaoPush(form('{not json'), KEY)).toEqual({ ok: false, reason: 'RequestData: not JSON' });
    expect(parseKdniaoPush(form({ EBusinessID: '1', Data: [{ ShipperCode: 'EMS' }] }), KEY)).toMatchObject({ ok: false, reason: expect.stringContaining('RequestData.Data.0.LogisticCode') });
    expect(parseKdniaoPush(form({ ...ONE, Data: [{ ...ONE.Data[0], Traces: [{ AcceptTime: 'yesterday', AcceptStation: 'x' }] }] }), KEY)).toEqual({ ok: false, reason: 'RequestData.Data.0.Traces.0.AcceptTime: not "yyyy-MM-dd HH:mm:ss"' });
  });
  it('acknowledges with the update time in GMT+8', () => {
    expect(kdniaoPushAck('1', new Date('2026-12-06T01:02:03Z'), true)).toEqual({ EBusinessID: '1', UpdateTime: '2026-12-06 09:02:03', Success: true, Reason: '' });
  });
});
