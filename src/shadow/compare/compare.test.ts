import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MappingEngine } from '../../mapping/engine.js';
import { DEFAULT_SHADOW_MAPPING } from '../config.js';
import { compareOutcomes, summaryLine } from './compare.js';
import { readLegacyFile } from './legacy-outcomes.js';
import type { OrderOutcome } from './outcome.js';
import { dayWindow } from './run.js';

const outcome = (over: Partial<OrderOutcome> = {}): OrderOutcome => ({
  orderId: 'T1',
  carrier: 'SF',
  holds: [],
  gifts: [],
  wms: { lines: [{ sku: 'A', quantity: 1 }] },
  address: '浙江省 杭州市 西湖区 文三路1号',
  amounts: { currency: 'CNY', goods: 1000, freight: 0, discount: 0, paid: 1000 },
  ...over,
});

describe('compareOutcomes', () => {
  it('takes line order, repeated SKUs, hold order and address spacing as the same; names each differing field', () => {
    const hub = [
      outcome({ wms: { lines: [{ sku: 'B', quantity: 1 }, { sku: 'A', quantity: 1 }, { sku: 'A', quantity: 1 }] }, holds: ['x', 'y'] }),
      outcome({ orderId: 'T2', gifts: [{ sku: 'G', quantity: 1 }], wms: null }),
    ];
    const legacy = [
      outcome({ wms: { lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] }, holds: ['y', 'x'], address: '浙江省杭州市西湖区文三路1号' }),
      outcome({ orderId: 'T2', gifts: [], amounts: { currency: 'CNY', goods: 1000, freight: 800, discount: 0, paid: 1800 } }),
    ];
    const r = compareOutcomes(hub, legacy, { channel: 'c', from: 'f', to: 't' });
    expect(r.totals).toEqual({ matched: 1, differing: 1, missing_in_hub: 0, missing_in_legacy: 0 });
    expect(r.orders[1]?.differences).toEqual([
      { field: 'gifts', hub: 'Gx1', legacy: '' },
      { field: 'wms', hub: '(none)', legacy: 'Ax1' },
      { field: 'amounts.freight', hub: '0', legacy: '800' },
      { field: 'amounts.paid', hub: '1000', legacy: '1800' },
    ]);
    expect(summaryLine(r)).toBe('shadow c: 1 matched, 1 differing (gifts 1, wms 1, amounts.freight 1, amounts.paid 1), 0 missing in hub, 0 missing in old system');
  });
});

describe('dayWindow', () => {
  it('cuts a day at the offset and names a bad date', () => {
    expect(dayWindow('2026-12-05', '+08:00')).toEqual({ from: new Date('2026-12-04T16:00:00Z'), to: new Date('2026-12-05T16:00:00Z') });
    expect(() => dayWindow('5.12.2026', '+08:00')).toThrow('date: expected YYYY-MM-DD, got "5.12.2026"');
  });
});

describe(`the ${DEFAULT_SHADOW_MAPPING} mapping over a GBK export`, () => {
  const engine = new MappingEngine({ dir: path.resolve('mappings') });
  let dir: string;
  beforeAll(async () => {
    await engine.loadAll();
    dir = await mkdtemp(path.join(tmpdir(), 'zs-shadow-unit-'));
  });
  afterAll(() => engine.close());

  it('reads gifts, holds, the WMS instruction and amounts; a bad row is a reject naming its column', async () => {
    const csv = [
      '平台订单号,物流公司,挂起原因,赠品,仓库指令,省,市,区,街道,详细地址,商品金额,运费,优惠金额,实付金额',
      'T1,顺丰速运,缺货；退款中,G1*1,A*2;G1*1,浙江省,杭州市,西湖区,,文三路1号,20.00,8,0,28.00',
      'T2,,,,,,,,,,10,,,10',
      'T3,神行快递,,,,,,,,,10,,,10',
      'T4,SF,,,A-2,,,,,,10,,,10',
    ].join('\r\n');
    const file = path.join(dir, 'old.csv');
    await writeFile(file, iconv.encode(csv, 'gbk'));
    const r = await readLegacyFile(engine, file, { mappingId: DEFAULT_SHADOW_MAPPING, currency: 'CNY', format: 'csv' });
    expect(r.outcomes).toEqual([
      { orderId: 'T1', carrier: 'SF', holds: ['insufficient_stock', 'refund_requested'], gifts: [{ sku: 'G1', quantity: 1 }], wms: { lines: [{ sku: 'A', quantity: 2 }, { sku: 'G1', quantity: 1 }] }, address: '浙江省 杭州市 西湖区 文三路1号', amounts: { currency: 'CNY', goods: 2000, freight: 800, discount: 0, paid: 2800 } },
      { orderId: 'T2', carrier: null, holds: [], gifts: [], wms: null, address: null, amounts: { currency: 'CNY', goods: 1000, freight: 0, discount: 0, paid: 1000 } },
    ]);
    expect(r.rejects).toEqual([
      { row: 4, field: '物流公司', reason: '"神行快递" is not in _tables/shadow-carriers.json' },
      { row: 5, field: '仓库指令', reason: '"A-2" is not SKU*quantity' },
    ]);
  });
});
