import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CanonicalOrder } from '../src/canonical/order.js';
import { createRulesChecker, skusToCheck } from '../src/rules/check.js';
import { rulesConfigSchema } from '../src/rules/config.js';
import { RiskCounter } from '../src/rules/risk-counter.js';

type Who = Pick<CanonicalOrder, 'source' | 'recipient' | 'buyer'>;

const HOUR = 3600_000;
const T0 = Date.parse('2026-03-01T08:00:00Z');

let redis: Redis;
let run = 0;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 2 });
});
afterAll(async () => {
  await redis?.quit();
});

/** A fresh prefix and a hand-driven clock per test: no sleeping, no cross-test leakage. */
function counter(opts: { stable?: CanonicalOrder['source']['platform'][] } = {}) {
  const clock = { t: T0 };
  const prefix = `it-risk-${process.pid}-${++run}:`;
  const c = new RiskCounter({
    redis,
    keyPrefix: prefix,
    risk: { maxOrdersPer24h: 5, windowHours: 24, stableCiphertextPlatforms: opts.stable ?? [] },
    now: () => clock.t,
  });
  return { c, clock, prefix };
}

function buyer(phone: CanonicalOrder['recipient']['phone'], platform: CanonicalOrder['source']['platform'] = 'shopify', handle?: string): Who {
  return {
    source: { platform, channel: `${platform}-it`, shop: 's', platformOrderId: 'x', receivedAt: new Date(T0).toISOString() },
    recipient: { phone },
    buyer: handle ? { handle } : undefined,
  };
}

describe('RiskCounter on a real Redis', () => {
  it('holds the 6th order from one phone inside 24 h', async () => {
    const { c, clock } = counter();
    const who = buyer({ plaintext: '13800138000' });
    const results = [];
    for (let i = 1; i <= 6; i++) {
      clock.t = T0 + i * HOUR;
      results.push(await c.count({ orderKey: `shop:${i}`, order: who }));
    }
    expect(results.map((r) => r.count)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results.map((r) => r.held)).toEqual([false, false, false, false, false, true]);
  });

  it('counts a retried order once and gives the retry the same answer', async () => {
    const { c, clock } = counter();
    const who = buyer({ plaintext: '13900139000' });
    for (let i = 1; i <= 5; i++) await c.count({ orderKey: `shop:${i}`, order: who, at: T0 + i });
    clock.t = T0 + 10;
    const first = await c.count({ orderKey: 'shop:6', order: who, at: T0 + 6 });
    // The activity is retried later (wall clock moved on) with the same order.
    clock.t = T0 + 2 * HOUR;
    const retry = await c.count({ orderKey: 'shop:6', order: who, at: T0 + 6 });
    expect(first).toEqual({ count: 6, held: true, identity: 'phone_plaintext' });
    expect(retry).toEqual(first);
  });

  it('holds one of a burst whose checks run out of order (none may slip through)', async () => {
    const { c } = counter();
    const who = buyer({ plaintext: '13900139111' });
    // Six orders placed a second apart, their rules checks running in reverse order.
    const results = [];
    for (let i = 6; i >= 1; i--) results.push(await c.count({ orderKey: `burst:${i}`, order: who, at: T0 + i * 1000 }));
    expect(results.filter((r) => r.held)).toHaveLength(1);
    expect(results.at(-1)).toMatchObject({ count: 6, held: true });
  });

  it('drops orders older than the window and keeps no key for ever', async () => {
    const { c, clock, prefix } = counter();
    const who = buyer({ plaintext: '13700137000' });
    for (let i = 0; i < 5; i++) {
      clock.t = T0 + i * HOUR;
      await c.count({ orderKey: `shop:${i}`, order: who });
    }
    // 24.5 h after the first order: it has left the window, so the 6th order overall is the 5th inside it.
    clock.t = T0 + 24.5 * HOUR;
    const late = await c.count({ orderKey: 'shop:5', order: who });
    expect(late).toMatchObject({ count: 5, held: false });
    const keys = await redis.keys(`${prefix}risk:orders:*`);
    expect(keys).toHaveLength(1);
    const key = keys[0] ?? '';
    // The first order was trimmed from the set, not merely left out of the count.
    expect(await redis.zscore(key, 'shop:0')).toBeNull();
    expect(await redis.zcard(key)).toBe(5);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(24 * HOUR);
    expect(ttl).toBeLessThanOrEqual(25 * HOUR);
  });

  it('never lets two buyers with different ciphertexts share a count, and keeps phones out of keys', async () => {
    const { c, prefix } = counter({ stable: ['pinduoduo'] });
    const a = buyer({ ciphertext: '~AgAAAAEAAAA~0~', masked: '138****0001' }, 'pinduoduo');
    const b = buyer({ ciphertext: '~AgAAAAEAAAB~0~', masked: '138****0001' }, 'pinduoduo');
    for (let i = 1; i <= 6; i++) await c.count({ orderKey: `pdd:a${i}`, order: a, at: T0 + i });
    const bFirst = await c.count({ orderKey: 'pdd:b1', order: b, at: T0 + 7 });
    expect(bFirst).toEqual({ count: 1, held: false, identity: 'phone_ciphertext' });
    expect(await c.count({ orderKey: 'pdd:a7', order: a, at: T0 + 8 })).toMatchObject({ count: 7, held: true });

    const plain = buyer({ plaintext: '13600136000' });
    await c.count({ orderKey: 'shop:p1', order: plain, at: T0 });
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toHaveLength(3);
    for (const k of keys) {
      expect(k).toMatch(new RegExp(`^${prefix}risk:orders:[0-9a-f]{64}$`));
      expect(k).not.toContain('13600136000');
      expect(k).not.toContain('AgAAAA');
    }
  });

  it('falls back to the buyer handle when the ciphertext is not known to be stable', async () => {
    const { c } = counter();
    // Randomised ciphertext: every order looks different, but the handle is the same buyer.
    for (let i = 1; i <= 5; i++) await c.count({ orderKey: `pdd:${i}`, order: buyer({ ciphertext: `~rand${i}~0~` }, 'pinduoduo', 'buyer-42'), at: T0 + i });
    const sixth = await c.count({ orderKey: 'pdd:6', order: buyer({ ciphertext: '~rand6~0~' }, 'pinduoduo', 'buyer-42'), at: T0 + 6 });
    expect(sixth).toEqual({ count: 6, held: true, identity: 'buyer_handle' });
    expect(await c.count({ orderKey: 'pdd:7', order: buyer({ ciphertext: '~x~0~' }, 'pinduoduo'), at: T0 + 7 })).toEqual({ count: 0, held: false, identity: null });
  });

  it('counts concurrent orders of one buyer exactly', async () => {
    const { c } = counter();
    const who = buyer({ plaintext: '13500135000' });
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => c.count({ orderKey: `shop:${i}`, order: who, at: T0 + i })));
    expect(all.map((r) => r.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(all.filter((r) => r.held)).toHaveLength(3);
  });
});

describe('createRulesChecker: the rules activity on a real Redis', () => {
  const config = rulesConfigSchema({}).parse({
    gifts: [
      {
        id: 'fountain-filter-299',
        mainSku: 'ZP-2026-01',
        minAmount: { minor: 29900, currency: 'CNY' },
        gift: { sku: 'FP-001', title: 'water fountain filter', labelPosition: 'top right of the waybill' },
      },
    ],
    remoteAreas: { surcharge: { minor: 1500, currency: 'CNY' }, districts: ['540000'] },
  });

  function tmallOrder(id: number, paidAt: string): CanonicalOrder {
    const cny = (minor: number) => ({ minor, currency: 'CNY' });
    return CanonicalOrder.parse({
      schemaVersion: 1,
      source: { platform: 'tmall', channel: 'tmall-it', shop: 's', platformOrderId: String(4000000000000000000n + BigInt(id)), receivedAt: paidAt },
      status: 'paid',
      platformStatus: 'WAIT_SELLER_SEND_GOODS',
      createdAt: paidAt,
      paidAt,
      currency: 'CNY',
      totals: { goods: cny(29900), freight: cny(0), discount: cny(0), paid: cny(29900) },
      lines: [{ lineId: '1', merchantSku: 'ZP-2026-01', title: '智能饮水机', quantity: 1, unitPrice: cny(29900), lineTotal: cny(29900), discount: cny(0), refundStatus: 'none' }],
      buyer: { handle: `oaid-${process.pid}-${run}` },
      recipient: { phone: { ciphertext: `~random-${id}~0~`, masked: '138****8000' } },
      address: { country: 'CN', province: '西藏', city: '拉萨市', district: '城关区' },
    });
  }

  it('matches, counts, checks the pool and evaluates in one idempotent call', async () => {
    const prefix = `it-rules-${process.pid}-${++run}:`;
    const asked: string[] = [];
    const check = createRulesChecker({
      redis,
      keyPrefix: prefix,
      config,
      knownSku: (sku) => {
        asked.push(sku);
        return Promise.resolve(sku === 'ZP-2026-01' || sku === 'FP-001');
      },
      now: () => T0 + 6 * HOUR,
    });
    const results = [];
    for (let i = 1; i <= 6; i++) results.push(await check({ orderKey: `tmall-it:${i}`, order: tmallOrder(i, new Date(T0 + i * HOUR).toISOString()) }));
    const sixth = results[5];
    expect(results.slice(0, 5).every((r) => r.holds.length === 0)).toBe(true);
    expect(sixth?.holds).toMatchObject([{ level: 2, code: 'order_frequency' }]);
    expect(sixth?.risk).toEqual({ count: 6, held: true, identity: 'buyer_handle' });
    expect(sixth?.address).toMatchObject({ matched: true, divisionCode: '540102' });
    expect(sixth).toMatchObject({ carrier: 'EMS', surcharge: { minor: 1500, currency: 'CNY' }, waybillNotes: ['Gift: water fountain filter x1'] });
    expect(sixth?.giftLines.map((l) => [l.merchantSku, l.gift?.labelPosition])).toEqual([['FP-001', 'top right of the waybill']]);
    expect([...new Set(asked)].sort()).toEqual(['FP-001', 'ZP-2026-01']);

    // The activity retried: same answer, still six orders counted.
    const again = await check({ orderKey: 'tmall-it:6', order: tmallOrder(6, new Date(T0 + 6 * HOUR).toISOString()) });
    expect(again).toEqual(sixth);
  });

  it('asks the pool about the gift only when its main SKU is on the order', () => {
    const o = tmallOrder(1, new Date(T0).toISOString());
    expect(skusToCheck(o, config)).toEqual(['ZP-2026-01', 'FP-001']);
    expect(skusToCheck({ lines: o.lines.map((l) => ({ ...l, merchantSku: 'A-1' })) }, config)).toEqual(['A-1']);
  });
});
