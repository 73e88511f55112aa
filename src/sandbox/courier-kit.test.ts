import { describe, expect, it } from 'vitest';
import { WaybillBook } from './courier-kit.js';

describe('WaybillBook', () => {
  // Seen in the 2,000-order day: Douyin's first SF e-waybill (SF1400000001021, carried by the SF
  // sandbox) was issued again as SF's own 1,021st number, and the second waybill replaced the first,
  // so the Douyin order's parcel vanished from the books though SF had picked it up and delivered it.
  it('never issues a number it already holds (a platform-issued one it carries included)', () => {
    const book = new WaybillBook(() => new Date('2026-12-06T10:00:00+08:00'), (n) => `SF${String(1_400_000_000_000 + n)}`);
    const carried = book.create('douyin-pack-1', { name: '~ct~' }, { issuedBy: 'platform' }, 'SF1400000000002');
    const first = book.create('order-1', {});
    const second = book.create('order-2', {});
    expect([first.waybillNo, second.waybillNo]).toEqual(['SF1400000000001', 'SF1400000000003']);
    expect(book.get('SF1400000000002')).toBe(carried);
    expect(book.byOrder('douyin-pack-1')).toBe(carried);
  });

  it('select copies only the waybills asked for, and copies them', () => {
    const book = new WaybillBook(() => new Date('2026-12-06T10:00:00+08:00'), (n) => `SF${String(1_400_000_000_000 + n)}`);
    book.create('order-1', {});
    const second = book.create('order-2', {});
    book.cancel(book.create('order-3', {}));
    const live = book.select((w) => w.status === 'live');
    expect(live.map((w) => w.orderId)).toEqual(['order-1', 'order-2']);
    const picked = book.select((w) => w.orderId === 'order-2');
    expect(picked).toEqual([second]);
    picked[0]!.stage = 'delivered';
    expect(book.get(second.waybillNo)?.stage).toBe('created');
  });
});
