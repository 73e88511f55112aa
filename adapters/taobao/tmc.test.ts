import { describe, expect, it } from 'vitest';
import { parseTmcMessage, TMC_TOPICS } from './tmc.js';

// A TMC envelope as delivered: ids beyond 2^53 as bare numbers, content a JSON string.
const MESSAGE =
  '{"id":9123456789012345678,"topic":"taobao_trade_TradeLogisticsAddressChanged","pub_time":"2024-05-01 10:00:00","pub_app_key":"12345678","user_id":2200123456789,"user_nick":"seller-shop","content":"{\\"tid\\":4012345678901234567,\\"seller_nick\\":\\"seller-shop\\"}"}';

describe('TMC message parser', () => {
  it('parses the envelope and the content string, keeping ids exact', () => {
    const r = parseTmcMessage(MESSAGE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.messageId).toBe('9123456789012345678');
    expect(r.event.topic).toBe(TMC_TOPICS.TRADE_LOGISTICS_ADDRESS_CHANGED);
    expect(r.event.orderId).toBe('4012345678901234567');
    expect(r.event.payload).toMatchObject({ known: true, sellerId: '2200123456789', content: { tid: '4012345678901234567' } });
  });

  it('keeps an unknown topic, marked as such', () => {
    const r = parseTmcMessage({ id: '1', topic: 'taobao_item_ItemAdd', content: '{"num_iid":1}' });
    expect(r.ok && r.event.orderId).toBeNull();
    expect(r.ok && r.event.payload).toMatchObject({ known: false });
  });

  it('refuses malformed messages with a reason', () => {
    expect(parseTmcMessage('not json')).toEqual({ ok: false, reason: 'envelope is not JSON' });
    expect(parseTmcMessage({ topic: 'x', content: '{}' })).toMatchObject({ ok: false });
    expect(parseTmcMessage({ id: 1, topic: 'x', content: '{oops' })).toEqual({ ok: false, reason: 'content is not a JSON string' });
    expect(parseTmcMessage({ id: 1, topic: 'x', content: '{"tid":1.5}' })).toEqual({ ok: false, reason: 'content has a malformed tid/oid' });
  });
});
