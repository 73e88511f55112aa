import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../canonical/order.js';
import { MappingEngine } from '../mapping/engine.js';
import { fixtureContext } from '../mapping/fixtures.js';
import { mapInboundOrder } from '../mapping/inbound.js';
import { parseJsonSafe } from '../util/json.js';
import { FinanceConfig } from './config.js';
import { summaryJson } from './csv.js';
import { reconcile } from './reconcile.js';
import type { FinanceOrderSource } from './source.js';

// The reconciliation over orders mapped from real platform payloads (the mapping fixtures), so the
// finance fields each mapping reads are what the figures are made of.
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'mappings');
const engine = new MappingEngine({ dir, limits: { timeoutMs: 10_000 } });
await engine.loadAll();

async function mapped(mappingId: string, fixture: string): Promise<CanonicalOrder> {
  const [adapter] = mappingId.split('/');
  const file = path.join(dir, adapter ?? '', '__fixtures__', mappingId.split('/')[1] ?? '', `${fixture}.input.json`);
  return mapInboundOrder(engine, mappingId, parseJsonSafe(await readFile(file, 'utf8')), fixtureContext(adapter ?? ''));
}

const orders = await Promise.all([
  mapped('pinduoduo/order.v2', 'capital-free-and-platform-discount'),
  mapped('jd/order.v2', 'jd-coupon-on-top-of-seller-discount'),
  mapped('douyin/order.v3', 'platform-and-creator-funded-discount'),
  mapped('shopify/order.v2', 'two-refunds-across-month-end'),
  mapped('taobao/order.v3', 'finished-trade-commission'),
  mapped('taobao/order.v3', 'unfinished-commission-not-final'),
]);
const source: FinanceOrderSource = {
  async *orders() {
    yield* orders;
  },
};
const run = async (month: string, cfg: unknown = { commission: { jd: { rateBasisPoints: 800 }, taobao: { rateBasisPoints: 500 } } }) => summaryJson(await reconcile(source, { month, config: FinanceConfig.parse(cfg) }, () => undefined));

describe('reconciliation of mapped platform orders', () => {
  it('June: PDD and JD discount funding read from the payloads, JD commission estimated at 8 %', async () => {
    const s = await run('2026-06');
    // PDD (paid 06-18 20:00:15): goods 6970, freight 500, paid 5670, discount 1800 = seller 800 +
    //   platform 1000 (platform_discount) -> received 5670 + 1000 = 6670; no PDD rate: commission 0.
    // JD (paid 06-18 00:00:31): goods 34900, freight 600, paid 32000, discount 3500 = seller 2000
    //   (sellerDiscount) + platform 1500 -> received 33500; commission 8 % x (32000 - 600) = 2512;
    //   net 33500 - 2512 = 30988.
    expect(s.rows.map((r) => [r.day, r.platform, r.sellerDiscount, r.platformDiscount, r.received, r.commission, r.net])).toEqual([
      ['2026-06-18', 'jd', '20.00', '15.00', '335.00', '25.12', '309.88'],
      ['2026-06-18', 'pinduoduo', '8.00', '10.00', '66.70', '0.00', '66.70'],
    ]);
    // 6970 + 34900 = 41870 goods; 6670 + 33500 = 40170 received; net 40170 - 2512 = 37658.
    expect(s.totals).toEqual([{ currency: 'CNY', orders: 2, goods: '418.70', freight: '11.00', sellerDiscount: '28.00', platformDiscount: '25.00', received: '401.70', commission: '25.12', commissionEstimated: '25.12', refunds: '0.00', net: '376.58' }]);
  });

  it('November: Douyin platform + creator subsidy is received; Taobao reported commission wins over the rate; December: Shopify refunds on the days the money went back', async () => {
    const nov = await run('2026-11');
    // Douyin (paid 11-11): paid 24660 + platform_cost_amount 700 = 25360 received, no rate: 0.
    // Taobao finished trade (11-11): paid 37760 (goods 39760 + freight 1000 - discount 3000, all
    //   seller-funded as assumed), commission_fee 18.88 reported: net 37760 - 1888 = 35872.
    // Taobao trade not finished: commission_fee 0.00 is not final, so 5 % x (37760 - 1000) = 1838
    //   estimated: net 35922. Together: 1888 + 1838 = 3726 commission, 1838 of it estimated.
    expect(nov.rows.map((r) => [r.platform, r.orders, r.received, r.commission, r.commissionEstimated, r.net])).toEqual([
      ['douyin', 1, '253.60', '0.00', '0.00', '253.60'],
      ['taobao', 2, '755.20', '37.26', '18.38', '717.94'],
    ]);
    // goods 25860 + 2 x 39760 = 105380; freight 800 + 2 x 1000 = 2800; seller 1300 + 2 x 3000 = 7300;
    // received 25360 + 2 x 37760 = 100880; net 100880 - 3726 = 97154.
    expect(nov.totals).toEqual([{ currency: 'CNY', orders: 3, goods: '1053.80', freight: '28.00', sellerDiscount: '73.00', platformDiscount: '7.00', received: '1008.80', commission: '37.26', commissionEstimated: '18.38', refunds: '0.00', net: '971.54' }]);
    // Shopify order paid in February: refund 22.50 + 1.62 tax at 2026-11-30T22:30-05:00
    // (= 12-01 11:30 +08:00) and 18.00 + 1.30 at 2026-12-02T09:00-05:00 (= 12-02 22:00 +08:00).
    const dec = await run('2026-12');
    expect(dec.rows.map((r) => [r.day, r.platform, r.currency, r.orders, r.refunds, r.net])).toEqual([
      ['2026-12-01', 'shopify', 'USD', 0, '24.12', '-24.12'],
      ['2026-12-02', 'shopify', 'USD', 0, '19.30', '-19.30'],
    ]);
    // Accounting at -05:00, the first refund is still November's (30th, 22:30).
    const novNy = await run('2026-11', { utcOffset: '-05:00' });
    expect(novNy.rows.filter((r) => r.platform === 'shopify').map((r) => [r.day, r.refunds])).toEqual([['2026-11-30', '24.12']]);
  });
});
