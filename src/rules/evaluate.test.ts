import { describe, expect, it } from 'vitest';
import { CanonicalOrder, OrderLine } from '../canonical/order.js';
import { matchAddress } from './address-match.js';
import { rulesConfigSchema, type RulesConfig } from './config.js';
import { HOLD_CODE, evaluateOrderRules, giftLineId, type RulesContext } from './evaluate.js';

const config: RulesConfig = rulesConfigSchema({}).parse({
  gifts: [
    {
      id: 'fountain-filter-299',
      mainSku: 'ZP-2026-01',
      minAmount: { minor: 29900, currency: 'CNY' },
      gift: { sku: 'FP-001', title: 'water fountain filter', qty: 1, labelPosition: 'top right of the waybill', waybillText: 'Gift: water fountain filter x1' },
    },
  ],
  remoteAreas: {
    carrier: 'EMS',
    surcharge: { minor: 1500, currency: 'CNY' },
    districts: ['540000', '632700', { province: '内蒙古', city: '阿拉善盟', district: '额济纳旗' }, { province: '新疆', city: '和田地区', district: '和田县' }],
  },
});

const cny = (minor: number) => ({ minor, currency: 'CNY' });

function line(lineId: string, merchantSku: string | null, price: number, currency = 'CNY') {
  const m = (minor: number) => ({ minor, currency });
  return { lineId, merchantSku, title: `item ${lineId}`, quantity: 1, unitPrice: m(price), lineTotal: m(price), discount: m(0), refundStatus: 'none' };
}

/** A canonical order that really passes the schema, so the rules are tested on the real shape. */
function order(opts: { paid?: number; currency?: string; lines?: unknown[]; address?: [string | null, string | null, string | null]; country?: string } = {}): CanonicalOrder {
  const currency = opts.currency ?? 'CNY';
  const paid = opts.paid ?? 29900;
  const lines = opts.lines ?? [line('1', 'ZP-2026-01', paid, currency)];
  const [province, city, district] = opts.address ?? ['广东省', '深圳市', '南山区'];
  return CanonicalOrder.parse({
    schemaVersion: 1,
    source: { platform: 'taobao', channel: 'tb-1', shop: 'shop', platformOrderId: '4000000000000000001', receivedAt: '2026-03-01T08:00:00+08:00' },
    status: 'paid',
    platformStatus: 'WAIT_SELLER_SEND_GOODS',
    createdAt: '2026-03-01T07:59:00+08:00',
    paidAt: '2026-03-01T08:00:00+08:00',
    currency,
    totals: { goods: { minor: paid, currency }, freight: { minor: 0, currency }, discount: { minor: 0, currency }, paid: { minor: paid, currency } },
    lines,
    buyer: { handle: 'oaid-1' },
    recipient: { phone: { ciphertext: '~ct~0~', masked: '138****8000' } },
    address: { country: opts.country ?? 'CN', province, city, district },
  });
}

function ctx(o: CanonicalOrder, over: Partial<RulesContext> = {}): RulesContext {
  return { config, address: matchAddress(o.address), riskCount: 1, knownSku: (sku) => ['ZP-2026-01', 'FP-001', 'A-1'].includes(sku), ...over };
}

describe('evaluateOrderRules', () => {
  it('passes an ordinary order: no holds, default carrier, no surcharge', () => {
    const o = order({ lines: [line('1', 'A-1', 10000)], paid: 10000 });
    expect(evaluateOrderRules(o, ctx(o))).toEqual({ holds: [], giftLines: [], carrier: 'SF', surcharge: null, waybillNotes: [] });
  });

  describe('interception', () => {
    it('level 1: an unmatched address goes to manual review, naming the level', () => {
      const o = order({ address: ['广东省', '广州市', '南山区'] });
      const r = evaluateOrderRules(o, ctx(o));
      expect(r.holds).toHaveLength(1);
      expect(r.holds[0]).toMatchObject({ level: 1, code: HOLD_CODE.ADDRESS_UNMATCHED });
      expect(r.holds[0]?.reason).toContain('district');
      const off = { ...config, interception: { ...config.interception, address: false } };
      expect(evaluateOrderRules(o, ctx(o, { config: off })).holds).toEqual([]);
    });

    it('level 1 does not fire for foreign addresses', () => {
      const o = order({ country: 'US', address: ['CA', 'San Jose', null] });
      expect(evaluateOrderRules(o, ctx(o)).holds).toEqual([]);
    });

    it('level 2: holds above the limit, not at it', () => {
      const o = order();
      expect(evaluateOrderRules(o, ctx(o, { riskCount: 5 })).holds).toEqual([]);
      expect(evaluateOrderRules(o, ctx(o, { riskCount: null })).holds).toEqual([]);
      const held = evaluateOrderRules(o, ctx(o, { riskCount: 6 }));
      expect(held.holds).toEqual([{ level: 2, code: HOLD_CODE.ORDER_FREQUENCY, reason: '6 orders from one buyer within 24 h (limit 5)' }]);
    });

    it('level 3: a SKU unknown to the stock pool freezes the order', () => {
      const o = order({ lines: [line('1', 'A-1', 100), line('2', 'NOPE-9', 100)], paid: 200 });
      const r = evaluateOrderRules(o, ctx(o));
      expect(r.holds).toEqual([{ level: 3, code: HOLD_CODE.SKU_UNKNOWN, reason: 'SKU not in the stock pool: NOPE-9' }]);
    });

    it('level 3 also covers a line without a merchant SKU and a gift the pool does not know', () => {
      const noSku = order({ lines: [line('1', 'A-1', 100), line('2', null, 100)], paid: 200 });
      expect(evaluateOrderRules(noSku, ctx(noSku)).holds).toMatchObject([{ level: 3, reason: '1 line(s) without a merchant SKU' }]);
      const o = order();
      const r = evaluateOrderRules(o, ctx(o, { knownSku: (sku) => sku === 'ZP-2026-01' }));
      expect(r.holds).toMatchObject([{ level: 3, reason: 'SKU not in the stock pool: FP-001' }]);
    });

    it('reports every level that applies at once', () => {
      const o = order({ lines: [line('1', 'NOPE', 100)], paid: 100, address: ['火星', null, null] });
      expect(evaluateOrderRules(o, ctx(o, { riskCount: 9 })).holds.map((h) => h.level)).toEqual([1, 2, 3]);
    });
  });

  describe('gift matrix', () => {
    it('adds nothing at 298.99 CNY', () => {
      const o = order({ paid: 29899 });
      const r = evaluateOrderRules(o, ctx(o));
      expect(r.giftLines).toEqual([]);
      expect(r.waybillNotes).toEqual([]);
    });

    it('adds FP-001 at exactly 299.00 CNY, free, with its label position and waybill line', () => {
      const o = order({ paid: 29900 });
      const r = evaluateOrderRules(o, ctx(o));
      expect(r.giftLines).toHaveLength(1);
      const g = r.giftLines[0];
      expect(g).toMatchObject({
        lineId: giftLineId({ id: 'fountain-filter-299' }),
        merchantSku: 'FP-001',
        quantity: 1,
        unitPrice: cny(0),
        lineTotal: cny(0),
        paid: cny(0),
        gift: { labelPosition: 'top right of the waybill' },
      });
      expect(OrderLine.parse(g)).toEqual(g);
      expect(r.waybillNotes).toEqual(['Gift: water fountain filter x1']);
      // The order with the gift appended is still a valid canonical order.
      expect(() => CanonicalOrder.parse({ ...o, lines: [...o.lines, ...r.giftLines] })).not.toThrow();
    });

    it('carries the rule\'s own waybill text on the gift line, so the waybill can be built from the order alone', () => {
      const zh = { ...config, gifts: config.gifts.map((g) => ({ ...g, gift: { ...g.gift, title: '智能饮水机滤芯', waybillText: '赠品:智能饮水机滤芯×1' } })) };
      const o = order({ paid: 29900 });
      const g = evaluateOrderRules(o, ctx(o, { config: zh })).giftLines[0];
      expect(g?.gift).toEqual({ labelPosition: 'top right of the waybill', waybillText: '赠品:智能饮水机滤芯×1' });
      expect(OrderLine.parse(g).gift?.waybillText).toBe('赠品:智能饮水机滤芯×1');
      // A line recorded before the field existed (old workflow histories) still parses.
      expect(OrderLine.parse({ ...g, gift: { labelPosition: 'top right of the waybill' } }).gift).toEqual({ labelPosition: 'top right of the waybill' });
      expect(OrderLine.safeParse({ ...g, gift: { labelPosition: 'x', waybillText: '' } }).success).toBe(false);
    });

    it('needs the main SKU and the same currency', () => {
      const other = order({ lines: [line('1', 'A-1', 50000)], paid: 50000 });
      expect(evaluateOrderRules(other, ctx(other)).giftLines).toEqual([]);
      const usd = order({ currency: 'USD', paid: 50000 });
      expect(evaluateOrderRules(usd, ctx(usd)).giftLines).toEqual([]);
      const refunded = order({ lines: [{ ...line('1', 'ZP-2026-01', 30000), refundStatus: 'refunded' }, line('2', 'A-1', 100)], paid: 30100 });
      expect(evaluateOrderRules(refunded, ctx(refunded)).giftLines).toEqual([]);
    });

    it('is idempotent: one gift line per rule, however many main lines and however many evaluations', () => {
      const o = order({ lines: [line('1', 'ZP-2026-01', 20000), line('2', 'ZP-2026-01', 20000)], paid: 40000 });
      const first = evaluateOrderRules(o, ctx(o));
      expect(first.giftLines).toHaveLength(1);
      const withGift = CanonicalOrder.parse({ ...o, lines: [...o.lines, ...first.giftLines] });
      const second = evaluateOrderRules(withGift, ctx(withGift));
      expect(second.giftLines).toEqual([]);
      // The waybill still carries the note: the order still has its gift.
      expect(second.waybillNotes).toEqual(['Gift: water fountain filter x1']);
    });

    it('skips a disabled rule', () => {
      const off = { ...config, gifts: config.gifts.map((g) => ({ ...g, enabled: false })) };
      const o = order();
      expect(evaluateOrderRules(o, ctx(o, { config: off })).giftLines).toEqual([]);
    });
  });

  describe('remote areas', () => {
    it.each([
      ['西藏', '拉萨市', '城关区'],
      ['青海省', '玉树藏族自治州', '玉树市'],
      ['内蒙古自治区', '阿拉善盟', '额济纳旗'],
      ['新疆维吾尔自治区', '和田地区', '和田县'],
    ])('%s %s %s ships by EMS with the surcharge', (p, c, d) => {
      const o = order({ address: [p, c, d], lines: [line('1', 'A-1', 100)], paid: 100 });
      const r = evaluateOrderRules(o, ctx(o));
      expect(r.holds).toEqual([]);
      expect(r.carrier).toBe('EMS');
      expect(r.surcharge).toEqual(cny(1500));
    });

    it.each([
      ['广东省', '深圳市', '南山区'],
      // 和田市 is not 和田县, though both shorten to 和田.
      ['新疆', '和田地区', '和田市'],
      ['青海省', '西宁市', '城东区'],
    ])('%s %s %s keeps the default carrier', (p, c, d) => {
      const o = order({ address: [p, c, d], lines: [line('1', 'A-1', 100)], paid: 100 });
      const r = evaluateOrderRules(o, ctx(o));
      expect(r.carrier).toBe('SF');
      expect(r.surcharge).toBeNull();
    });

    it('uses the order spelling when the address did not match (held, but the carrier is still right)', () => {
      const o = order({ address: ['内蒙古', '阿拉善', '额济纳旗'], lines: [line('1', 'A-1', 100)], paid: 100 });
      const r = evaluateOrderRules(o, ctx(o, { address: { matched: false, level: 'city', reason: 'city_unknown', message: 'x' } }));
      expect(r.holds.map((h) => h.level)).toEqual([1]);
      expect(r.carrier).toBe('EMS');
    });
  });
});
