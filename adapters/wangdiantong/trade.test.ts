import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { sampleOrder } from './testing.js';
import { enterpriseTrade, tradeRemark, ultimateArgs } from './trade.js';

describe('canonical order -> WDT trade', () => {
  it('refuses a masked phone instead of sending it to the warehouse, without echoing the value', () => {
    const order = sampleOrder({ recipient: { name: { plaintext: '张三' }, phone: { masked: '138****8000', ciphertext: '$enc$' } } });
    const err = (() => {
      try {
        enterpriseTrade(order, { kind: 'push' });
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'recipient_not_plaintext', retryable: false });
    expect(String(err)).not.toContain('138');
  });

  it('refuses a line without a merchant SKU, naming the line', () => {
    const o = sampleOrder();
    const lines = o.lines.map((l, i) => (i === 0 ? { ...l, merchantSku: null } : l));
    expect(() => ultimateArgs({ ...o, lines }, { kind: 'push' }, 'shop')).toThrow(/E20240501000001-1/);
  });

  it('puts gifts before a long memo so truncation at 1024 never drops them', () => {
    const remark = tradeRemark(sampleOrder({ sellerMemo: 'x'.repeat(2000) }), { kind: 'push' });
    expect([...remark]).toHaveLength(1024);
    expect(remark.startsWith('Gift: 饮水机滤芯 x1 (label: top right of the waybill); ')).toBe(true);
  });

  it('cash on delivery: delivery_term 2 and the receivable as cod_amount', () => {
    const t = enterpriseTrade(sampleOrder({ orderType: 'cod' }), { kind: 'push' });
    expect([t['delivery_term'], t['cod_amount']]).toEqual([2, '297.0000']);
  });

  it('an unpaid order is sent as 10 / pay_status 0 with the zero pay time', () => {
    const t = enterpriseTrade(sampleOrder({ status: 'awaiting_payment', paidAt: null }), { kind: 'push' });
    expect([t['trade_status'], t['pay_status'], t['pay_time']]).toEqual([10, 0, '0000-00-00 00:00:00']);
  });
});
