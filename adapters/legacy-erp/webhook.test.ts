import { describe, expect, it } from 'vitest';
import { parseErpEvent } from './webhook.js';

const raw = (s: string) => new TextEncoder().encode(s);

describe('parseErpEvent', () => {
  it('gives one event keyed by the ERP event id, with the order it is about', () => {
    expect(parseErpEvent(raw('{"id":"evt-1","type":"order.shipped","data":{"order_no":"SO1","tracking_no":"SF1"}}'))).toEqual([
      { messageId: 'evt-1', topic: 'order.shipped', orderId: 'SO1', payload: { id: 'evt-1', type: 'order.shipped', data: { order_no: 'SO1', tracking_no: 'SF1' } } },
    ]);
    expect(parseErpEvent(raw('{"id":"evt-2","type":"order.approved","data":{"order":{"order_no":12345678901234567890}}}'))[0]?.orderId).toBe('12345678901234567890');
    expect(parseErpEvent(raw('{"id":"evt-3","type":"stock.changed","data":{"items":[]}}'))[0]?.orderId).toBeNull();
  });
  it('names the field that is wrong', () => {
    expect(() => parseErpEvent(raw('{"type":"order.shipped","data":{}}'))).toThrow(/body\.id/);
    expect(() => parseErpEvent(raw('{"id":"e","type":"order.lost","data":{}}'))).toThrow(/body\.type/);
    expect(() => parseErpEvent(raw('not json'))).toThrow(/not JSON/);
  });
});
