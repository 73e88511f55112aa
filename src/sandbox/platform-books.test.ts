import { afterAll, describe, expect, it } from 'vitest';
import { sandbox as douyin } from '../../adapters/douyin/sandbox.js';
import { sandbox as pinduoduo } from '../../adapters/pinduoduo/sandbox.js';
import { sandbox as shopify } from '../../adapters/shopify/sandbox.js';
import { sandbox as taobao } from '../../adapters/taobao/sandbox.js';
import { sandbox as youzan } from '../../adapters/youzan/sandbox.js';
import { bookTotals, type BookedRefund, type BookedSale, type PlatformBooks } from './platform-books.js';

const PAID = new Date('2026-11-30T15:30:00Z'); // 23:30 +08:00, the last evening of November in Beijing
const REFUNDED = new Date('2026-11-30T16:10:00Z'); // 00:10 +08:00 on 1 December
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

interface Case {
  platform: string;
  /** Plays a paid order, an unpaid one and a refund on the platform; returns its books. */
  play(): Promise<PlatformBooks>;
  sales: Omit<BookedSale, 'paidAt'>[];
  refunds: Omit<BookedRefund, 'refundedAt'>[];
  unpriced?: string[];
}

const CASES: Case[] = [
  {
    platform: 'taobao',
    async play() {
      const s = await taobao.start();
      closers.push(() => s.close());
      s.placeOrder({ id: '4100000000000001', lines: [{ sku: 'A', qty: 2, price: 1000 }, { sku: 'B', qty: 1, price: 500 }], postFee: 800, discount: 300, paidAt: PAID });
      s.placeOrder({ id: '4100000000000002', status: 'WAIT_BUYER_PAY', lines: [{ sku: 'A', qty: 1, price: 1000 }] });
      s.updateOrder('4100000000000002', { status: 'TRADE_CLOSED_BY_TAOBAO' });
      // B's share after the order discount (divide_order_fee) goes back; A's request is still open.
      s.updateOrder('4100000000000001', { refund: { sku: 'A', status: 'WAIT_SELLER_AGREE' } });
      s.updateOrder('4100000000000001', { refund: { sku: 'B', status: 'WAIT_SELLER_AGREE' } });
      s.updateOrder('4100000000000001', { refund: { sku: 'B', status: 'SUCCESS' }, modifiedAt: REFUNDED });
      s.updateOrder('4100000000000001', { refund: { sku: 'B', status: 'SUCCESS' } });
      return s.books();
    },
    sales: [{ orderId: '4100000000000001', currency: 'CNY', received: 2000 + 500 + 800 - 300 }],
    refunds: [{ orderId: '4100000000000001', lineId: '4100000000000003', currency: 'CNY', amount: 500 - 60 }],
  },
  {
    platform: 'pinduoduo',
    async play() {
      const s = await pinduoduo.start();
      closers.push(() => s.close());
      s.placeOrder({ id: '261130-000000000001', lines: [{ sku: 'A', qty: 2, price: 1000 }], postage: 500, discount: 200, paidAt: PAID });
      s.placeOrder({ id: '261130-000000000002', lines: [{ sku: 'A', qty: 1, price: 1000 }, { sku: 'B', qty: 1, price: 700 }], paidAt: PAID });
      s.updateOrder('261130-000000000001', { refundStatus: 3 });
      s.updateOrder('261130-000000000001', { refundStatus: 4, modifiedAt: REFUNDED });
      // An after-sale of one line that succeeds: its amount, not the whole order.
      const r = s.openRefund({ orderSn: '261130-000000000002', sku: 'B', type: 2 });
      s.updateRefund(Number(r['id']), { status: 10, modifiedAt: REFUNDED });
      return s.books();
    },
    sales: [
      { orderId: '261130-000000000001', currency: 'CNY', received: 2000 + 500 - 200 },
      { orderId: '261130-000000000002', currency: 'CNY', received: 1700 },
    ],
    refunds: [
      { orderId: '261130-000000000002', lineId: 'B', currency: 'CNY', amount: 700 },
      { orderId: '261130-000000000001', lineId: null, currency: 'CNY', amount: 2300 },
    ],
  },
  {
    platform: 'douyin',
    async play() {
      const s = await douyin.start();
      closers.push(() => s.close());
      s.placeOrder({ id: '6900000000000001', lines: [{ sku: 'A', qty: 1, price: 1000 }, { sku: 'B', qty: 2, price: 300 }], postAmount: 600, discount: 100, paidAt: PAID });
      s.placeOrder({ id: '6900000000000002', status: 1, lines: [{ sku: 'A', qty: 1, price: 1000 }] });
      s.updateOrder('6900000000000002', { status: 4 });
      s.updateOrder('6900000000000001', { afterSale: { sku: 'B', status: 6 } });
      s.updateOrder('6900000000000001', { afterSale: { sku: 'B', status: 12 }, modifiedAt: REFUNDED });
      return s.books();
    },
    sales: [{ orderId: '6900000000000001', currency: 'CNY', received: 1000 + 600 + 600 - 100 }],
    refunds: [{ orderId: '6900000000000001', lineId: '6900000000000003', currency: 'CNY', amount: 600 }],
  },
  {
    platform: 'youzan',
    async play() {
      const s = await youzan.start();
      closers.push(() => s.close());
      s.placeOrder({ id: 'E20261130000001', lines: [{ sku: 'A', qty: 1, price: 1000 }], postFee: 200, paidAt: PAID });
      s.placeOrder({ id: 'E20261130000002', status: 'WAIT_BUYER_PAY', lines: [{ sku: 'A', qty: 1, price: 1000 }] });
      s.placeOrder({ id: 'E20261130000003', lines: [{ sku: 'A', qty: 1, price: 1000 }, { sku: 'B', qty: 1, price: 500 }], paidAt: PAID });
      s.updateOrder('E20261130000001', { refundState: 11 });
      s.updateOrder('E20261130000001', { refundState: 12, modifiedAt: REFUNDED });
      s.updateOrder('E20261130000003', { refundState: 2 });
      return s.books();
    },
    sales: [
      { orderId: 'E20261130000001', currency: 'CNY', received: 1200 },
      { orderId: 'E20261130000003', currency: 'CNY', received: 1500 },
    ],
    refunds: [{ orderId: 'E20261130000001', lineId: null, currency: 'CNY', amount: 1200 }],
    unpriced: ['E20261130000003'],
  },
  {
    platform: 'shopify',
    async play() {
      const s = await shopify.start();
      closers.push(() => s.close());
      s.placeOrder({ id: '550000000001', lines: [{ sku: 'A', qty: 3, price: 1000 }, { sku: 'B', qty: 1, price: 1000 }], discount: 400, shipping: 500, createdAt: PAID });
      s.placeOrder({ id: '550000000002', financialStatus: 'pending', lines: [{ sku: 'A', qty: 1, price: 1000 }] });
      s.updateOrder('550000000002', { cancel: true });
      // Two of A's three units: two thirds of A after its 300 share of the discount.
      s.updateOrder('550000000001', { refundLine: { sku: 'A', quantity: 2 }, modifiedAt: REFUNDED });
      return s.books();
    },
    sales: [{ orderId: '550000000001', currency: 'USD', received: 4000 - 400 + 500 }],
    refunds: [{ orderId: '550000000001', lineId: '866550311766010', currency: 'USD', amount: 1800 }],
  },
];

describe('platform books: each sales sandbox reports what its platform was paid and paid back', () => {
  it.each(CASES)('$platform', async (c) => {
    const books = await c.play();
    expect(books.sales.map(({ paidAt: _p, ...rest }) => rest)).toEqual(c.sales);
    expect(books.sales.every((s) => s.paidAt === PAID.toISOString())).toBe(true);
    expect(books.refunds.map(({ refundedAt: _r, ...rest }) => rest)).toEqual(c.refunds);
    // Counted once, when the money went back, however often the status was written again.
    expect(books.refunds.every((r) => r.refundedAt === REFUNDED.toISOString())).toBe(true);
    expect(books.unpricedRefunds).toEqual(c.unpriced ?? []);

    // November in Beijing has the sales; December the refunds (paid out after midnight +08:00).
    const nov = bookTotals(books, { from: new Date('2026-10-31T16:00:00Z'), to: new Date('2026-11-30T16:00:00Z') });
    const dec = bookTotals(books, { from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
    const currency = c.sales[0]?.currency ?? '';
    expect(nov.get(currency)).toEqual({ orders: c.sales.length, received: BigInt(c.sales.reduce((a, s) => a + s.received, 0)), refunds: 0n });
    expect(dec.get(currency)).toEqual({ orders: 0, received: 0n, refunds: BigInt(c.refunds.reduce((a, r) => a + r.amount, 0)) });
  });
});
