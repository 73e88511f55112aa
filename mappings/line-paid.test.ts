import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MappingEngine, MappingError } from '../src/mapping/engine.js';
import { fixtureContext } from '../src/mapping/fixtures.js';
import { mapInboundOrder, validateCanonical } from '../src/mapping/inbound.js';

// A line's paid amount is the platform's own figure where it gives one; only the rest is
// allocated, and lines that do not add up to the order are a mapping failure (quarantine).
const dir = path.resolve(import.meta.dirname);
const engine = new MappingEngine({ dir, limits: { timeoutMs: 10_000 } });
await engine.loadAll();

async function mappingFailure(p: Promise<unknown>): Promise<MappingError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error('expected a MappingError');
}

const paidOf = (o: { lines: { lineId: string; paid?: { minor: number } | null }[] }) => Object.fromEntries(o.lines.map((l) => [l.lineId, l.paid?.minor]));

function douyinOrder(skus: { id: string; sum: number; pay?: number }[], pay: number, post = 0) {
  return {
    order_id: '6920000000000009001',
    order_status: 2,
    create_time: 1794326405,
    pay_time: 1794326421,
    update_time: 1794326500,
    pay_amount: pay,
    post_amount: post,
    post_addr: { province: { id: '44', name: '广东省' }, city: { id: '4403', name: '深圳市' }, town: { id: '440305', name: '南山区' }, detail: '科技园**号' },
    sku_order_list: skus.map((s) => ({
      order_id: s.id,
      parent_order_id: '6920000000000009001',
      product_id: '3600000000001',
      sku_id: '1700000000001',
      out_sku_id: `SKU-${s.id.slice(-1)}`,
      product_name: `商品${s.id.slice(-1)}`,
      item_num: 1,
      sum_amount: s.sum,
      ...(s.pay === undefined ? {} : { pay_amount: s.pay }),
      order_status: 2,
    })),
  };
}

function taobaoTrade(lines: { oid: string; price: string; divide?: string }[], payment: string, post = '0.00') {
  return {
    tid_str: '4012345678901239001',
    status: 'WAIT_SELLER_SEND_GOODS',
    type: 'fixed',
    created: '2026-11-11 00:00:05',
    pay_time: '2026-11-11 00:00:09',
    modified: '2026-11-11 00:02:17',
    payment,
    post_fee: post,
    receiver_state: '浙江省',
    receiver_city: '杭州市',
    receiver_district: '西湖区',
    receiver_address: '文一西路1**号',
    orders: {
      order: lines.map((l) => ({
        oid_str: l.oid,
        title: `宝贝${l.oid.slice(-1)}`,
        outer_sku_id: `SKU-${l.oid.slice(-1)}`,
        num: 1,
        price: l.price,
        ...(l.divide === undefined ? {} : { divide_order_fee: l.divide }),
        status: 'WAIT_SELLER_SEND_GOODS',
        refund_status: 'NO_REFUND',
      })),
    },
  };
}

describe('line paid amounts', () => {
  it('Douyin: each line pays its sku order pay_amount, not a share of the order discount by price', async () => {
    // A 10.00 coupon on the first sku only: a proportional split would give 95.00 / 95.00.
    const o = await mapInboundOrder(engine, 'douyin/order.v2', douyinOrder([{ id: '6920000000000009011', sum: 10000, pay: 9000 }, { id: '6920000000000009012', sum: 10000, pay: 10000 }], 19600, 600), fixtureContext('douyin'));
    expect(paidOf(o)).toEqual({ '6920000000000009011': 9000, '6920000000000009012': 10000 });
    expect(o.lines.map((l) => l.discount.minor)).toEqual([1000, 0]);
    expect(o.totals.discount.minor).toBe(1000);
  });

  it('Taobao: a line with divide_order_fee keeps it; only the rest of the discount is spread over lines without one', async () => {
    // Discount 25.00; line 1 says it paid 80.00 (20.00 off), so line 2 takes the other 5.00.
    const o = await mapInboundOrder(engine, 'taobao/order.v2', taobaoTrade([{ oid: '4012345678901239011', price: '100.00', divide: '80.00' }, { oid: '4012345678901239012', price: '50.00' }], '125.00'), fixtureContext('taobao'));
    expect(paidOf(o)).toEqual({ '4012345678901239011': 8000, '4012345678901239012': 4500 });
  });

  it('Taobao: line figures that do not add up to what the buyer paid are a mapping failure naming lines[].paid', async () => {
    const err = await mappingFailure(mapInboundOrder(engine, 'taobao/order.v2', taobaoTrade([{ oid: '4012345678901239011', price: '100.00', divide: '80.00' }, { oid: '4012345678901239012', price: '50.00', divide: '50.00' }], '125.00'), fixtureContext('taobao')));
    expect(err.message).toMatch(/lines\[\]\.paid/);
    expect(err.message).toMatch(/13000.*12500/);
    expect(err.issues.map((i) => i.path)).toContain('lines[].paid');
  });

  it('rejects any mapping output whose lines do not sum to the order paid amount, naming the field', () => {
    const line = (id: string, total: number, paid: number) => ({
      lineId: id,
      merchantSku: id,
      title: id,
      quantity: 1,
      unitPrice: { minor: total, currency: 'CNY' },
      lineTotal: { minor: total, currency: 'CNY' },
      discount: { minor: total - paid, currency: 'CNY' },
      paid: { minor: paid, currency: 'CNY' },
      refundStatus: 'none',
    });
    const cny = (minor: number) => ({ minor, currency: 'CNY' });
    const out = {
      schemaVersion: 1,
      source: { platform: 'douyin', platformOrderId: '1' },
      status: 'paid',
      platformStatus: '2',
      createdAt: '2026-11-11T00:00:05+08:00',
      currency: 'CNY',
      // Paid 196.00 with 6.00 freight: the lines must pay 190.00, they claim 191.00.
      totals: { goods: cny(20000), freight: cny(600), discount: cny(1000), paid: cny(19600) },
      lines: [line('a', 10000, 9100), line('b', 10000, 10000)],
      recipient: {},
      address: { country: 'CN', province: '广东省', city: '深圳市', district: '南山区' },
    };
    let err: unknown;
    try {
      validateCanonical(engine, 'douyin/order.v2', out, fixtureContext('douyin'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MappingError);
    expect(err).toMatchObject({ code: 'E_LINE_PAID', issues: [{ path: 'lines[].paid' }] });
    expect(String(err)).toMatch(/lines\[\]\.paid: the lines' paid amounts sum to 19100 CNY minor units, the order's paid amount for goods is 19000/);
    // The same order with lines that add up passes.
    const ok = { ...out, lines: [line('a', 10000, 9000), line('b', 10000, 10000)] };
    expect(validateCanonical(engine, 'douyin/order.v2', ok, fixtureContext('douyin')).lines).toHaveLength(2);
  });
});
