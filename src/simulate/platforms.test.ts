import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxWorld, type SandboxWorld } from '../sandbox/world.js';
import { EXPECT, SCENARIO, type PlannedOrder } from './plan.js';
import { platformActions, START } from './platforms.js';

let world: SandboxWorld;
beforeAll(async () => {
  world = await startSandboxWorld({ hubUrl: 'http://127.0.0.1:9', skus: [{ sku: 'SIM-TEA-250G', price: 3900, onHand: 100 }] });
});
afterAll(async () => {
  await world?.close();
});

const order = (n: number, scenario: PlannedOrder['scenario']): PlannedOrder => ({
  n,
  platform: 'taobao',
  id: `41000010099${String(n).padStart(4, '0')}`,
  key: `sim-taobao:41000010099${String(n).padStart(4, '0')}`,
  scenario,
  expect: EXPECT.NONE,
  lines: [{ sku: 'SIM-TEA-250G', qty: 2, price: 3900 }],
  atMs: 0,
  variant: 0,
});

describe('the simulated Taobao buyer closing an order', () => {
  it('an unpaid order is closed by TOP itself: no sale in the platform books', () => {
    const o = order(1, SCENARIO.NEVER_PAID);
    const p = platformActions(world, 'taobao');
    p.place(o, START.UNPAID);
    p.close(o);
    expect(world.taobao.trade(o.id)?.status).toBe('TRADE_CLOSED_BY_TAOBAO');
    expect(world.taobao.books().sales.some((s) => s.orderId === o.id)).toBe(false);
  });

  it('a paid order on platform hold (the day cancels one the hub has not seen yet) closes through a refund of every line: the sale and its refund are both in the books', () => {
    const o = order(2, SCENARIO.CANCELLED);
    const p = platformActions(world, 'taobao');
    p.place(o, START.HOLD);
    p.close(o);
    expect(world.taobao.trade(o.id)?.status).toBe('TRADE_CLOSED');
    const books = world.taobao.books();
    expect(books.sales.find((s) => s.orderId === o.id)?.received).toBe(7800);
    expect(books.refunds.filter((r) => r.orderId === o.id).reduce((a, r) => a + r.amount, 0)).toBe(7800);
  });
});
