import { describe, expect, it } from 'vitest';
import { parseRoutePush } from './route-push.js';

const BODY = JSON.stringify({
  Body: {
    WaybillRoute: [
      { id: '1001', mailno: 'SF001', orderid: 'wf-1_waybill', acceptTime: '2024-06-01 18:05:00', acceptAddress: '杭州市', remark: '顺丰速运 已收取快件', opCode: '50' },
      { mailno: 'SF001', orderid: 'wf-1_waybill', acceptTime: '2024-06-03 10:00:00', acceptAddress: '深圳市', remark: '已签收', opCode: 80 },
    ],
  },
});

describe('parseRoutePush', () => {
  it('parses the assumed envelope into records with picked_up / delivered', () => {
    expect(parseRoutePush(BODY)).toEqual({
      ok: true,
      records: [
        { mailno: 'SF001', orderid: 'wf-1_waybill', acceptTime: '2024-06-01T18:05:00+08:00', acceptAddress: '杭州市', opCode: '50', event: 'picked_up', messageId: '1001' },
        { mailno: 'SF001', orderid: 'wf-1_waybill', acceptTime: '2024-06-03T10:00:00+08:00', acceptAddress: '深圳市', opCode: '80', event: 'delivered', messageId: 'SF001:80:2024-06-03 10:00:00' },
      ],
    });
  });
  it('reads raw bytes, a form-encoded content= body and a bare array alike', () => {
    const expected = parseRoutePush(BODY);
    expect(parseRoutePush(Buffer.from(BODY))).toEqual(expected);
    expect(parseRoutePush(new URLSearchParams({ content: BODY }).toString())).toEqual(expected);
    const arr: unknown = JSON.parse(BODY);
    const inner = typeof arr === 'object' && arr !== null && 'Body' in arr ? arr.Body : null;
    expect(parseRoutePush(inner)).toEqual(expected);
  });
  it('marks other opCodes as other', () => {
    const r = parseRoutePush([{ mailno: 'SF1', acceptTime: '2024-06-02 08:00:00', opCode: '31' }]);
    expect(r.ok && r.records[0]?.event).toBe('other');
  });
  it('refuses non-JSON, an empty list, a bad time, without echoing the body', () => {
    expect(parseRoutePush('not json')).toEqual({ ok: false, reason: 'body is not JSON' });
    expect(parseRoutePush({ Body: { WaybillRoute: [] } }).ok).toBe(false);
    const bad = parseRoutePush([{ mailno: 'SF1', acceptTime: 'yesterday', opCode: '50', acceptAddress: '某某小区3栋' }]);
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('某某小区');
  });
});
